package net.portcullis.gateway.hold;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.downstream.Resend;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.Verdict;

/**
 * Releasing a held message, as {@code portcullis hold release} and the review page do it: the data
 * stage is decided again on the signals recorded for it with today's rules less the one that held
 * it; each recipient is claimed before the relay (so two reviewers releasing at once, or a reviewer
 * and a recipient's digest link, deliver it once); it is settled as released only when every
 * recipient has it, and a recipient the mail server refused keeps it held for another try.
 */
public final class HoldRelease {
    public enum Status { RELEASED, PARTLY, ALREADY, NOT_HELD, AGAINST_RULES, REFUSED, UNAVAILABLE }

    /**
     * What came of a release: in plain words for the CLI and the page, the recipients the mail
     * server took it for now, and its reply per recipient.
     */
    public record Result(Status status, String message, List<String> took, Map<String, String> replies) {
        Result(Status status, String message) {
            this(status, message, List.of(), Map.of());
        }

        public boolean done() {
            return status == Status.RELEASED;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final HoldStore holds;
    private final DecisionStore decisions;
    private final Callable<RuleSet> rules;
    private final Catalogue catalogue;
    private final Downstreams pool;

    /** @param rules the rules in force now (the gateway's, or the CLI's loaded from disk); may throw when they do not load */
    public HoldRelease(HoldStore holds, DecisionStore decisions, Callable<RuleSet> rules, Catalogue catalogue, Downstreams pool) {
        this.holds = holds;
        this.decisions = decisions;
        this.rules = rules;
        this.catalogue = catalogue;
        this.pool = pool;
    }

    /**
     * Why today's rules, less the one that held it, would not let it pass; null when they would
     * (or when no decision is stored to check against: the release is then the reviewer's call).
     */
    public String decideAgain(HoldStore.Held h) throws SQLException, IOException {
        List<String> lines = decisions.find(h.ref());
        if (lines.isEmpty()) {
            return null;
        }
        DecisionRecord rec = DecisionRecord.fromMap(JSON.readValue(lines.get(0), Map.class));
        RuleSet now;
        try {
            now = rules.call().without(h.rule());
        } catch (Exception e) {
            return "the rules do not load, so it cannot be checked again (" + e.getMessage() + ")";
        }
        SignalMap base = SignalMap.fromJson(rec.signals, catalogue, null);
        List<String> domains = h.recipients().stream().map(a -> a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)).toList();
        var again = PolicyTransaction.decideData(now, base, domains, Map.of(), false);
        if (again.verdict().refused()) {
            return "the rules in force now refuse it: " + again.verdict().decidedBy() + " (" + again.verdict().reply().code() + " "
                    + again.verdict().reply().text() + ")";
        }
        if (again.verdict().kind() == Verdict.Kind.HOLD) {
            return "the rule " + again.verdict().decidedBy() + " would hold it again: " + again.verdict().reason();
        }
        return null;
    }

    /** @param force release even when {@link #decideAgain} objects */
    public Result release(String ref, String by, boolean force) throws SQLException, IOException {
        HoldStore.Held h = holds.find(ref.toUpperCase(Locale.ROOT));
        if (h == null) {
            return new Result(Status.NOT_HELD, "no held message with ref " + ref.toUpperCase(Locale.ROOT));
        }
        if (!h.state().equals("held")) {
            return new Result(Status.NOT_HELD, h.ref() + " is " + h.state() + ", not held");
        }
        String againstRules = decideAgain(h);
        if (againstRules != null && !force) {
            return new Result(Status.AGAINST_RULES, againstRules + "; " + h.ref() + " stays held (force releases it anyway)");
        }
        Result r = deliver(holds, pool, h, h.recipients(), by);
        return r.status() == Status.ALREADY ? new Result(Status.RELEASED, "released " + h.ref() + ": every recipient had it already") : r;
    }

    /**
     * Relays a held message to those of {@code recipients} it was not released to yet (each
     * claimed first, so it goes once to each), and marks it released once every recipient has
     * it. The digest's one-click link calls this for its one recipient, without the rules.
     */
    public static Result deliver(HoldStore holds, Downstreams pool, HoldStore.Held h, List<String> recipients, String by)
            throws SQLException, IOException {
        byte[] message = holds.read(h.ref());
        Instant now = Instant.now();
        List<String> claimed = new ArrayList<>();
        for (String r : recipients) {
            if (holds.claimRelease(h.ref(), r, now)) {
                claimed.add(r);
            }
        }
        if (claimed.isEmpty()) {
            if (holds.releasedTo(h.ref()).containsAll(h.recipients())) {
                holds.settle(h.ref(), "released", by, now);
            }
            return new Result(Status.ALREADY, h.ref() + " was released to " + String.join(", ", recipients) + " already");
        }
        Resend.Outcome o;
        try {
            o = Resend.send(pool, h.sender(), claimed, message);
        } catch (DownstreamException e) {
            unclaim(holds, h.ref(), claimed);
            return new Result(Status.UNAVAILABLE, "the mail server is unavailable (" + e.getMessage() + "); " + h.ref() + " stays held");
        }
        if (!o.delivered()) {
            unclaim(holds, h.ref(), claimed);
            return new Result(Status.REFUSED, "the mail server took it for no recipient" + (o.end() == null ? "" : " (" + o.end() + ")")
                    + "; " + h.ref() + " stays held", List.of(), o.replies());
        }
        List<String> refused = new ArrayList<>(claimed);
        refused.removeAll(o.took());
        unclaim(holds, h.ref(), refused);
        Map<String, String> replies = new LinkedHashMap<>(o.replies());
        if (holds.releasedTo(h.ref()).containsAll(h.recipients())) {
            holds.settle(h.ref(), "released", by, Instant.now());
            return new Result(Status.RELEASED, "released " + h.ref() + " to " + o.took().size() + " recipient(s): " + o.end(), o.took(),
                    replies);
        }
        List<String> waiting = new ArrayList<>(h.recipients());
        waiting.removeAll(holds.releasedTo(h.ref()));
        return new Result(Status.PARTLY, "released " + h.ref() + " to " + o.took().size() + " of " + claimed.size()
                + " recipient(s); it stays held for " + String.join(", ", waiting) + " (release again to retry, or delete it)", o.took(),
                replies);
    }

    private static void unclaim(HoldStore holds, String ref, List<String> recipients) throws SQLException {
        for (String r : recipients) {
            holds.unclaim(ref, r);
        }
    }
}
