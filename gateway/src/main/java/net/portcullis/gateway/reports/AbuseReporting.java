package net.portcullis.gateway.reports;

import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.downstream.Resend;
import net.portcullis.policy.reports.AbuseContacts;
import net.portcullis.policy.reports.AbuseReportMessage;
import net.portcullis.policy.reports.AbuseReportStore;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.rules.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Networks hear back (reports.outgoing): a source confirmed as spam — listed by users' reports,
 * or past after_reporters — is owed one report to its network; every {@code every} the owed
 * reports go out through the downstream, each an ARF report with the complaints since the last
 * one as Incidents, at most per_contact_daily to one contact and max_daily in all (the rest wait
 * for the next round), never to an opted-out network, every one recorded (the review page's
 * "Reports out"). Off by default.
 */
public final class AbuseReporting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AbuseReporting.class);

    private final GatewayConfig.Outgoing cfg;
    private final String hostname;
    private final AbuseReportStore out;
    private final ReportStore reports;
    private final AbuseContacts contacts;
    private final Downstreams pool;
    private final Clock clock;
    private final Duration window;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "abuse-reports");
        t.setDaemon(true);
        return t;
    });

    public AbuseReporting(GatewayConfig.Outgoing cfg, String hostname, AbuseReportStore out, ReportStore reports, AbuseContacts contacts,
                          Downstreams pool, Duration window, Clock clock) {
        this.cfg = cfg;
        this.hostname = hostname;
        this.out = out;
        this.reports = reports;
        this.contacts = contacts;
        this.pool = pool;
        this.window = window;
        this.clock = clock;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::sendQuietly, cfg.every().toMillis(), cfg.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hears each stored report: a listing, or enough distinct reporters, makes a report to the source's network owed. */
    public void heard(ReportIntake.Outcome o) {
        if (!o.counted() || o.duplicate() || !o.report().sourceKnown()) {
            return;
        }
        boolean confirmed = o.listed() != null || (cfg.afterReporters() > 0 && o.distinctReporters() >= cfg.afterReporters());
        if (!confirmed) {
            return;
        }
        try {
            out.confirm(o.report().sourceIp(), clock.instant(), Duration.ofDays(1));
        } catch (SQLException e) {
            LOG.warn("abuse report for {} not recorded as owed: {}", o.report().sourceIp(), e.getMessage());
        }
    }

    private void sendQuietly() {
        try {
            sendDue();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("abuse reports not sent this round: {}", e.toString());
        }
    }

    /** Sends the reports owed now, within the caps; returns how many the mail server took. */
    public int sendDue() throws SQLException {
        Instant now = clock.instant();
        Instant day = now.minus(Duration.ofDays(1));
        int sentToday = out.sentSince(day);
        int sent = 0;
        for (AbuseReportStore.Out o : out.pending()) {
            InetAddress ip = Network.addressOrNull(o.sourceIp());
            if (ip == null) {
                out.settle(o.id(), "no-contact", null, null, null, null, null, "not an address");
                continue;
            }
            if (cfg.optOut().match(ip).isPresent()) {
                out.settle(o.id(), "opted-out", null, null, null, null, null, "in reports.outgoing.opt_out");
                continue;
            }
            Optional<AbuseContacts.Contact> c = contacts.find(ip);
            if (c.isEmpty()) {
                out.settle(o.id(), "no-contact", null, null, null, null, null, "no contact zone, RDAP or PTR answer");
                continue;
            }
            String to = c.get().address();
            if (sentToday >= cfg.maxDaily() || out.sentTo(to, day) >= cfg.perContactDaily()) {
                out.settle(o.id(), "pending", to, c.get().via(), null, null, null, "waits: daily cap reached");
                continue;
            }
            ReportStore.Seen seen = reports.complaintsAbout(o.sourceIp(), now.minus(window));
            if (seen == null) {
                out.settle(o.id(), "no-contact", to, c.get().via(), 0, null, null, "no counted complaint left in the window");
                continue;
            }
            AbuseReportMessage.Built m = AbuseReportMessage.build(cfg.from(), to, hostname, o.sourceIp(), seen,
                    reports.latestHeaders(o.sourceIp()), now);
            Resend.Outcome r;
            try {
                r = Resend.send(pool, cfg.from(), List.of(to), m.bytes());
            } catch (net.portcullis.gateway.downstream.DownstreamException e) {
                LOG.warn("abuse reports wait for the mail server: {}", e.getMessage());
                return sent; // the rest stay owed for the next round
            }
            if (!r.delivered()) {
                out.settle(o.id(), "pending", to, c.get().via(), null, null, null, "waits: the mail server did not take it: " + r.replies());
                continue;
            }
            out.settle(o.id(), "sent", to, c.get().via(), (int) seen.reports(), now, m.messageId(), null);
            sentToday++;
            sent++;
            LOG.info("abuse report about {} ({} complaints) sent to {} (found by {})", o.sourceIp(), seen.reports(), to, c.get().via());
        }
        return sent;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
