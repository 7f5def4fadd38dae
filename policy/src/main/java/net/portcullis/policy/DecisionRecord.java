package net.portcullis.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway decided for one transaction, built while it runs and serialised once at its
 * end into the decision log line; {@code rules replay} reads the lines back into the same type
 * ({@link #fromMap}), so writer and reader cannot drift apart. Bounded: a session that sends thousands of refused recipients
 * gets a line of at most {@link #MAX_RECIPIENTS} recipient entries and a count of the rest, and
 * every free-text field is cut at {@link #MAX_TEXT} characters.
 */
public final class DecisionRecord {
    public static final int MAX_RECIPIENTS = 100;
    public static final int MAX_TEXT = 500;

    /** One recipient: what the client asked for and what it was told. */
    public static final class Recipient {
        final String address;
        String outcome;
        String decidedBy;
        String reason;
        String reply;
        Map<String, Object> signals;

        Recipient(String address) {
            this.address = address;
        }

        public Recipient accepted(String by) {
            outcome = "accepted";
            decidedBy = by;
            return this;
        }

        /** @param reply the reply line sent to the client, with its reference id */
        public Recipient refused(boolean permanent, String by, String why, String reply) {
            outcome = permanent ? "rejected" : "tempfail";
            decidedBy = by;
            reason = why;
            this.reply = reply;
            return this;
        }

        public Recipient signals(Map<String, Object> s) {
            signals = s;
            return this;
        }

        public String address() {
            return address;
        }

        public String outcome() {
            return outcome;
        }

        public String decidedBy() {
            return decidedBy;
        }

        /** The recipient's own signals as recorded (relay and rcpt stage), or null. */
        public Map<String, Object> signals() {
            return signals;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", cut(address));
            m.put("outcome", outcome);
            m.put("decided_by", decidedBy);
            if (reason != null) {
                m.put("reason", cut(reason));
            }
            if (reply != null) {
                m.put("reply", cut(reply));
            }
            if (signals != null) {
                m.put("signals", signals);
            }
            return m;
        }
    }

    public final String ref;
    private final List<Recipient> recipients = new ArrayList<>();
    private final List<Map<String, Object>> rules = new ArrayList<>();
    private int recipientsOmitted;
    public String client;
    public String clientName;
    public String helo;
    public String tls;
    public String authUser;
    public String sender;
    public long size = -1;
    public String messageId;
    public String verdict = "aborted";
    public String decidedBy;
    public String reason;
    public String downstreamReply;
    public String downstreamTls;
    public Map<String, Object> signals = Map.of();
    public long latencyMs;
    /** The MTA's queue id when the decision was asked over milter (its macro {@code i}), else null. */
    public String queueId;
    /** "milter" when the MTA asked over milter; null for the in-line proxy. */
    public String via;
    /**
     * Already in the store, written with what it decided (a held message's decision goes in with its
     * hold row, before the 250): the JSON log still gets the final line, the store not a second one.
     */
    public boolean stored;
    /** Which MTA asked (milter): its host name (macro j), daemon ({daemon_name}) and the address the client reached ({if_addr}). */
    public Map<String, String> mta = Map.of();

    public DecisionRecord(String ref) {
        this.ref = ref;
    }

    /** A new recipient entry; past the bound it is counted, not kept (it is still decided). */
    public Recipient recipient(String address) {
        Recipient r = new Recipient(address);
        if (recipients.size() < MAX_RECIPIENTS) {
            recipients.add(r);
        } else {
            recipientsOmitted++;
        }
        return r;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    /** Rules that matched, ran in monitor mode or failed: stage, rule, outcome, detail. */
    public List<Map<String, Object>> rules() {
        return rules;
    }

    /**
     * What decided: the transaction's deciding check or rule, else (no message decision) the one
     * that decided its first recipient not accepted; null when nothing was refused.
     */
    public String decider() {
        if (decidedBy != null) {
            return decidedBy;
        }
        for (Recipient rc : recipients) {
            if (!"accepted".equals(rc.outcome) && rc.decidedBy != null) {
                return rc.decidedBy;
            }
        }
        return null;
    }

    /** A rule that matched, ran in monitor mode or failed; each once. */
    public boolean rule(String stage, String rule, String outcome, String detail) {
        return rule(stage, rule, outcome, detail, java.util.Set.of());
    }

    /** @param reads the signals the rule's condition reads: log show puts them first, as what decided */
    public boolean rule(String stage, String rule, String outcome, String detail, java.util.Set<String> reads) {
        Map<String, Object> hit = new LinkedHashMap<>();
        hit.put("stage", stage);
        hit.put("rule", rule);
        hit.put("outcome", outcome);
        hit.put("detail", detail == null ? null : cut(detail));
        if (!reads.isEmpty()) {
            hit.put("reads", new java.util.TreeSet<>(reads).stream().toList());
        }
        if (rules.contains(hit) || rules.size() >= MAX_RECIPIENTS) {
            return false;
        }
        rules.add(hit);
        return true;
    }

    /** The transaction's verdict when it did not reach the end of data: the first refusal decides. */
    public void settleWithoutData(boolean anyAccepted) {
        if (verdict.equals("aborted") && !anyAccepted && !recipients.isEmpty()) {
            Recipient first = recipients.get(0);
            verdict = first.outcome;
            decidedBy = first.decidedBy;
            reason = first.reason;
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", Instant.now().toString());
        rec.put("ref", ref);
        rec.put("event", "transaction");
        rec.put("client", client);
        rec.put("client_name", clientName);
        rec.put("helo", helo == null ? null : cut(helo));
        rec.put("tls", tls);
        rec.put("auth_user", authUser == null ? null : cut(authUser));
        rec.put("sender", sender == null ? null : cut(sender));
        rec.put("recipients", recipients.stream().map(Recipient::toMap).toList());
        if (recipientsOmitted > 0) {
            rec.put("recipients_omitted", recipientsOmitted);
        }
        rec.put("size", size < 0 ? null : size);
        rec.put("message_id", messageId == null ? null : cut(messageId));
        rec.put("verdict", verdict);
        rec.put("decided_by", decidedBy);
        rec.put("reason", reason == null ? null : cut(reason));
        rec.put("downstream_reply", downstreamReply == null ? null : cut(downstreamReply));
        rec.put("downstream_tls", downstreamTls);
        rec.put("signals", signals);
        rec.put("rules", rules);
        rec.put("latency_ms", latencyMs);
        if (via != null) {
            rec.put("via", via);
            rec.put("queue_id", queueId == null ? null : cut(queueId));
            Map<String, String> m = new LinkedHashMap<>();
            mta.forEach((k, v) -> m.put(k, v == null ? null : cut(v)));
            rec.put("mta", m);
        }
        return rec;
    }

    static String cut(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }

    /**
     * A decision log line read back. Lines of other events, and lines whose fields have the
     * wrong types (a hand-edited log), are refused with {@link IllegalArgumentException}.
     */
    @SuppressWarnings("unchecked")
    public static DecisionRecord fromMap(Map<?, ?> m) {
        if (!"transaction".equals(m.get("event"))) {
            throw new IllegalArgumentException("not a transaction record");
        }
        DecisionRecord r = new DecisionRecord(String.valueOf(m.get("ref")));
        r.client = text(m, "client");
        r.clientName = text(m, "client_name");
        r.helo = text(m, "helo");
        r.tls = text(m, "tls");
        r.authUser = text(m, "auth_user");
        r.sender = text(m, "sender");
        Object size = m.get("size");
        if (size != null && !(size instanceof Number)) {
            throw new IllegalArgumentException("size is not a number");
        }
        r.size = size == null ? -1 : ((Number) size).longValue();
        r.messageId = text(m, "message_id");
        r.verdict = text(m, "verdict");
        r.decidedBy = text(m, "decided_by");
        r.reason = text(m, "reason");
        r.downstreamReply = text(m, "downstream_reply");
        r.downstreamTls = text(m, "downstream_tls");
        r.via = text(m, "via");
        r.queueId = text(m, "queue_id");
        Map<String, String> mta = new LinkedHashMap<>();
        map(m.get("mta"), "mta").forEach((k, v) -> mta.put(k, v == null ? null : v.toString()));
        r.mta = mta;
        r.signals = map(m.get("signals"), "signals");
        for (Object o : list(m.get("recipients"), "recipients")) {
            Map<String, Object> rc = map(o, "recipient");
            Recipient e = new Recipient(String.valueOf(rc.get("address")));
            e.outcome = text(rc, "outcome");
            e.decidedBy = text(rc, "decided_by");
            e.reason = text(rc, "reason");
            e.reply = text(rc, "reply");
            e.signals = rc.get("signals") == null ? null : map(rc.get("signals"), "recipient signals");
            r.recipients.add(e);
        }
        for (Object o : list(m.get("rules"), "rules")) {
            r.rules.add(map(o, "rule"));
        }
        return r;
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + " is not an object");
        }
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o, String what) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(what + " is not a list");
        }
        return l;
    }
}
