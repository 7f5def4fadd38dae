package net.portcullis.gateway.checks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.Party;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ReputationCheck;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reputation.ReputationBook;
import net.portcullis.policy.reputation.ReputationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reputation:} in gateway.yaml — reputation that decays (docs/reports.md):
 *
 * <pre>
 * reputation:
 *   enabled: true
 *   half_life: 7d        # every event counts half as much after this
 *   refresh: 60s         # read from the store this often (a fleet's other gateways' events)
 *   flush: 10s           # this gateway's events written this often
 *   weights: {spam_report: 1, ham_report: 1, refusal: 0.1, delivery: 0.02}
 * </pre>
 *
 * Learned from counted reports (every inlet), refused recipients and delivered mail; kept in
 * the store, so a fleet on PostgreSQL shares it.
 */
public final class ReputationModule implements CheckModule<ReputationModule.Config> {
    private static final Logger LOG = LoggerFactory.getLogger(ReputationModule.class);
    static final String STATE = "reputation";

    public record Config(boolean enabled, Duration halfLife, Duration refresh, Duration flush, ReputationBook.Weights weights) { }

    @Override
    public String name() {
        return "reputation";
    }

    @Override
    public String section() {
        return "reputation";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("enabled", "half_life", "refresh", "flush", "weights"));
        Duration halfLife = s.duration("half_life", Duration.ofDays(7));
        if (halfLife.compareTo(Duration.ofHours(1)) < 0 || halfLife.compareTo(Duration.ofDays(365)) > 0) {
            throw ConfigException.of(s.key("half_life"), s.string("half_life", ""), "is outside 1h..365d");
        }
        ConfigSection w = s.section("weights");
        w.allow(Set.of("spam_report", "ham_report", "refusal", "delivery"));
        return new Config(s.bool("enabled", true), halfLife, s.duration("refresh", Duration.ofSeconds(60)),
                s.duration("flush", Duration.ofSeconds(10)), new ReputationBook.Weights(w.decimal("spam_report", 1, 0, 1000),
                w.decimal("ham_report", 1, 0, 1000), w.decimal("refusal", 0.1, 0, 1000), w.decimal("delivery", 0.02, 0, 1000)));
    }

    /** The running gateway's book, with its flush timer: made once, kept across reloads; null without a store. */
    static Running running(CheckEnv env) {
        Config c = env.section(new ReputationModule());
        if (!c.enabled() || env.store() == null) {
            return null;
        }
        return env.shared().get(STATE, Running.class, () -> new Running(new ReputationBook(new ReputationStore(env.store()), c.halfLife(),
                c.weights(), c.refresh(), Clock.systemUTC()), env.explaining() ? null : c.flush()));
    }

    /** The book the reports feed, if this gateway keeps reputation: see {@link #feed}. */
    public static ReputationBook book(SharedState shared) {
        Running r = shared.find(STATE, Running.class);
        return r == null ? null : r.book;
    }

    /** What a counted report adds: spam to the bad totals of its source, sender domain and links, "not spam" to the good. */
    public static void feed(ReputationBook book, ReportIntake.Outcome o) {
        if (!o.counted() || o.duplicate()) {
            return;
        }
        var r = o.report();
        List<String> links = net.portcullis.policy.reports.ReportStore.linkDomains(r);
        if (r.feedbackType().equalsIgnoreCase("not-spam")) {
            book.hamReported(r.sourceIp(), r.senderDomain(), links);
        } else if (Set.of("abuse", "fraud", "virus").contains(r.feedbackType().toLowerCase(java.util.Locale.ROOT))) {
            book.spamReported(r.sourceIp(), r.senderDomain(), links, Math.max(1, r.originalRecipients().size()));
        }
    }

    @Override
    public List<Check> build(CheckEnv env) {
        Config c = env.section(this);
        if (!c.enabled()) {
            return List.of();
        }
        Running r = running(env);
        // no store here (the catalogue, a test of other checks): the signals exist, and read 0
        return List.of(new ReputationCheck(r == null ? null : r.book));
    }

    @Override
    public List<TransactionObserver> observers(CheckEnv env) {
        Running r = env.explaining() ? null : running(env);
        if (r == null) {
            return List.of();
        }
        return List.of(new TransactionObserver() {
            @Override
            public void onRefused(Party p) {
                r.book.refused(p.client(), domain(p.sender()));
            }

            @Override
            public void onDelivered(Party p, List<String> recipients, long octets) {
                r.book.delivered(p.client(), domain(p.sender()));
            }
        });
    }

    private static String domain(String sender) {
        return sender == null || !sender.contains("@") ? null : sender.substring(sender.lastIndexOf('@') + 1);
    }

    /** The book and its flush timer; closing writes what is left. */
    static final class Running implements AutoCloseable {
        final ReputationBook book;
        private final ScheduledExecutorService timer;

        Running(ReputationBook book, Duration flush) {
            this.book = book;
            if (flush == null) {
                timer = null;
                return;
            }
            timer = Executors.newSingleThreadScheduledExecutor(t -> {
                Thread th = new Thread(t, "reputation-flush");
                th.setDaemon(true);
                return th;
            });
            timer.scheduleWithFixedDelay(this::flush, flush.toMillis(), flush.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void flush() {
            try {
                book.flush();
            } catch (Exception e) {
                LOG.warn("reputation: events not written yet, kept for the next try: {}", e.getMessage());
            }
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
                flush();
            }
        }
    }
}
