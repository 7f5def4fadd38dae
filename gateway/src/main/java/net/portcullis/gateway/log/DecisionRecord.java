package net.portcullis.gateway.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway decided for one transaction, built while it runs and serialised once at its
 * end into the decision log line. Bounded: a session that sends thousands of refused recipients
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

        public String outcome() {
            return outcome;
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

    /** A rule that matched, ran in monitor mode or failed; each once. */
    public boolean rule(String stage, String rule, String outcome, String detail) {
        Map<String, Object> hit = new LinkedHashMap<>();
        hit.put("stage", stage);
        hit.put("rule", rule);
        hit.put("outcome", outcome);
        hit.put("detail", detail == null ? null : cut(detail));
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
        return rec;
    }

    static String cut(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
