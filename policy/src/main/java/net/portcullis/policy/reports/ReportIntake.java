package net.portcullis.policy.reports;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Network;

/**
 * Takes in a spam report and applies the listing policy: when {@code reporters} distinct users
 * reported the same source within {@code window}, the source is blacklisted for {@code ttl} with
 * the reports as its evidence — unless it is whitelisted. After an admin delists it, only newer
 * reports count.
 */
public final class ReportIntake {
    /**
     * @param linksListed the domains the report's message advertises that it put on the link list
     * @param uncounted   why the report was kept but counts for nothing, or null
     */
    public record Outcome(long reportId, SpamReport report, boolean duplicate, ListEntry listed, int distinctReporters,
                          List<ListEntry> linksListed, String uncounted) {
        public boolean counted() {
            return uncounted == null;
        }
    }

    /** Whether our decision store holds a decision with this reference (our Received field's id). */
    @FunctionalInterface
    public interface Seen {
        boolean seen(String ref) throws SQLException;
    }

    private final ReportParser parser;
    private final ReportStore reports;
    private final ListStore lists;
    private final Supplier<Lists.Snapshots> current;
    private final int reporters;
    private final Duration window;
    private final Duration ttl;
    private final Clock clock;
    private final java.util.Map<String, Integer> weights;

    public ReportIntake(ReportParser parser, ReportStore reports, ListStore lists, Supplier<Lists.Snapshots> current,
                        int reporters, Duration window, Duration ttl, Clock clock) {
        this(parser, reports, lists, current, reporters, window, ttl, clock, java.util.Map.of());
    }

    /**
     * @param weights how many reporters one report counts for, by reporter address or domain
     *                (a feedback-loop provider that sends no Original-Rcpt-To); 1 for others
     */
    public ReportIntake(ReportParser parser, ReportStore reports, ListStore lists, Supplier<Lists.Snapshots> current,
                        int reporters, Duration window, Duration ttl, Clock clock, java.util.Map<String, Integer> weights) {
        this.weights = java.util.Map.copyOf(weights);
        this.parser = parser;
        this.reports = reports;
        this.lists = lists;
        this.current = current;
        this.reporters = reporters;
        this.window = window;
        this.ttl = ttl;
        this.clock = clock;
    }

    private Seen seen;
    private int dailyCap;

    /**
     * Counts a report only when its message's reference leads to one of our decisions: a Received
     * field of ours copied onto mail we never passed counts for nothing. Without it (the decision
     * log not stored) a Received field of ours is taken at its word.
     */
    public ReportIntake checkingSeen(Seen seen) {
        this.seen = seen;
        return this;
    }

    /**
     * Past {@code reports} reports in a day from one user, the rest are kept uncounted (a feedback
     * loop's reports, for many users, are not capped); 0: no cap.
     */
    public ReportIntake cappingReporters(int reports) {
        this.dailyCap = reports;
        return this;
    }

    private final java.util.List<java.util.function.Consumer<Outcome>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Hears every report once it is stored (reputation learns from them); a listener's fault is its own. */
    public ReportIntake feeding(java.util.function.Consumer<Outcome> listener) {
        listeners.add(listener);
        return this;
    }

    private Outcome told(Outcome o) {
        for (var l : listeners) {
            try {
                l.accept(o);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ReportIntake.class).warn("a report listener failed: {}", e.toString());
            }
        }
        return o;
    }

    private int linkReporters;
    private Duration linkTtl = Duration.ZERO;

    /**
     * Also lists the domains reported messages advertise (their links' registrable domains), once
     * {@code reporters} distinct users reported messages linking to one within the window, for
     * {@code ttl}: the link list the URIBL check reads and {@code list export} publishes as a
     * second rbldnsd zone. 0 reporters: never.
     */
    public ReportIntake listingLinks(int reporters, Duration ttl) {
        this.linkReporters = reporters;
        this.linkTtl = ttl;
        return this;
    }

    /** A report as mailed to reports.address (ARF, or a forward with the message attached). */
    public Outcome ingest(byte[] raw) throws ReportRefused, SQLException {
        return ingest(parser.parse(raw));
    }

    private Set<String> localDomains;
    /** Looks up a source's reputation (-100..100); null: listing by reporters alone. */
    private ClientReputation reputation;
    private int minReputation;

    @FunctionalInterface
    public interface ClientReputation {
        long of(String sourceIp) throws SQLException;
    }

    /**
     * A source that reaches the reporters threshold is listed only when its reputation (built
     * from everything before this report: earlier reports, refusals, delivered mail) is at least
     * {@code min}: a big sender of wanted mail is not listed by a handful of complaints.
     */
    public ReportIntake requiringReputation(ClientReputation reputation, int min) {
        this.reputation = reputation;
        this.minReputation = min;
        return this;
    }

    /**
     * A plain forward to the report address counts only when one of our users sent it: the
     * session authenticated (the report is then that user's, whatever its From says), or it came
     * through our trusted networks from an address at one of {@code domains}. A feedback loop's
     * ARF report comes from outside by nature and counts as before (reports.weights).
     */
    public ReportIntake localUsers(Set<String> domains) {
        this.localDomains = Set.copyOf(domains);
        return this;
    }

    /**
     * A report mailed to reports.address in a session: {@code authUser} the SMTP-authenticated
     * user (or null), {@code trustedClient} whether the client is one of our trusted networks.
     */
    public Outcome ingestMailed(byte[] raw, String authUser, boolean trustedClient) throws ReportRefused, SQLException {
        SpamReport r = parser.parse(raw);
        if (authUser != null) {
            String user = authUser.toLowerCase(java.util.Locale.ROOT);
            r = new SpamReport(user.contains("@") || localDomains == null || localDomains.isEmpty() ? user
                    : user + "@" + localDomains.iterator().next(), r.feedbackType(), r.sourceIp(), r.senderDomain(), r.messageId(), r.urls(),
                    r.messageHash(), List.of(), r.ref(), r.headers());
            return ingest(r, null);
        }
        if (localDomains == null || ReportParser.isArf(raw)) {
            return ingest(r, null);
        }
        String domain = r.reporter().substring(r.reporter().lastIndexOf('@') + 1);
        boolean ours = localDomains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
        return ingest(r, trustedClient && ours ? null
                : "a forward from outside: only our users' forwards count (authenticated, or through our trusted networks)");
    }

    /** A user's report of one message from their mail store: spam, or (not spam) against its listing. */
    public Outcome ingestMessage(String user, boolean spam, byte[] message) throws ReportRefused, SQLException {
        return ingest(parser.parseMessage(user, spam ? "abuse" : "not-spam", message));
    }

    /**
     * A recipient's word on one of our decisions (a digest's signed link, the review page):
     * spam or not, about the client and sender we recorded; {@code message} when we still hold it.
     */
    public Outcome ingestDecision(String reporter, boolean spam, String client, String sender, String ref, byte[] message)
            throws ReportRefused, SQLException {
        return ingest(parser.about(reporter, spam ? "abuse" : "not-spam", client, sender, ref, message));
    }

    private Outcome ingest(SpamReport r) throws SQLException {
        return ingest(r, null);
    }

    private Outcome ingest(SpamReport r, String notCounted) throws SQLException {
        Instant now = clock.instant();
        String uncounted = notCounted != null ? notCounted : uncounted(r, now);
        long id = reports.add(r, now, weightOf(r.reporter()), uncounted);
        if (uncounted != null || id < 0) {
            return told(new Outcome(id, r, id < 0, null, 0, List.of(), uncounted));
        }
        ReportStore.Evidence ev = reports.evidence(r.sourceIp(), now.minus(window));
        ListEntry listed = null;
        if (ev.distinctReporters() >= reporters && current.get().white().ip(Network.address(r.sourceIp())).isEmpty()
                && (reputation == null || reputation.of(r.sourceIp()) >= minReputation)) {
            listed = new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, r.sourceIp(),
                    "spam reports from " + ev.distinctReporters() + " users (reports " + ev.ids() + ")", "reports", now, now.plus(ttl));
            lists.put(listed);
        }
        List<ListEntry> links = new java.util.ArrayList<>();
        if (linkReporters > 0) {
            for (String d : ReportStore.linkDomains(r)) {
                ReportStore.Evidence le = reports.linkEvidence(d, now.minus(window));
                Lists.Snapshots snap = current.get();
                if (le.distinctReporters() >= linkReporters && snap.white().link(d).isEmpty() && snap.white().domain(d).isEmpty()) {
                    ListEntry e = new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.LINK, d, "advertised in messages reported by "
                            + le.distinctReporters() + " users (reports " + le.ids() + ")", "reports", now, now.plus(linkTtl));
                    lists.put(e);
                    links.add(e);
                }
            }
        }
        return told(new Outcome(id, r, false, listed, ev.distinctReporters(), List.copyOf(links), null));
    }

    private String uncounted(SpamReport r, Instant now) throws SQLException {
        if (!r.sourceKnown()) {
            return "never seen: the message has no Received field of ours and the report no Source-IP";
        }
        if (seen != null && r.ref() != null && !seen.seen(r.ref())) {
            return "never seen: no decision of ours has the reference " + r.ref();
        }
        // a feedback loop speaks for many users: its volume is no sign of one user's abuse
        boolean oneUser = r.originalRecipients().isEmpty() && weightOf(r.reporter()) == 1;
        if (dailyCap > 0 && oneUser && reports.madeBy(r.reporter(), now.minus(java.time.Duration.ofDays(1))) >= dailyCap) {
            return "over the reporter's cap of " + dailyCap + " reports a day";
        }
        return null;
    }

    private int weightOf(String reporter) {
        String r = reporter.toLowerCase(java.util.Locale.ROOT);
        Integer w = weights.get(r);
        if (w == null) {
            w = weights.get(r.substring(r.lastIndexOf('@') + 1));
        }
        return w == null ? 1 : w;
    }
}
