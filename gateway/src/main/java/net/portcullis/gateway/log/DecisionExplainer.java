package net.portcullis.gateway.log;

import java.util.List;
import java.util.Map;
import net.portcullis.policy.DecisionRecord;

/**
 * A decision in plain words, for {@code portcullis log show}: what the client sent, what decided,
 * on which signals, the reply, and what the sender or the admin can do about it.
 */
public final class DecisionExplainer {
    private DecisionExplainer() {
    }

    public static String explain(Map<?, ?> raw) {
        if (!"transaction".equals(raw.get("event"))) {
            return "ref " + raw.get("ref") + "  " + raw.get("time") + "  connection refused before the greeting\n"
                    + "  client   " + raw.get("client") + "\n  reply    " + raw.get("reply") + "\n  because  " + raw.get("decided_by")
                    + "\n  what now " + advice(String.valueOf(raw.get("decided_by")), Map.of()) + "\n";
        }
        DecisionRecord r = DecisionRecord.fromMap(raw);
        StringBuilder b = new StringBuilder();
        b.append("ref ").append(r.ref).append("  ").append(time(raw.get("time"))).append("  ").append(String.valueOf(r.verdict).toUpperCase())
                .append('\n');
        b.append("  client    ").append(r.client).append(r.clientName == null ? " (no reverse name)" : " (" + r.clientName + ")")
                .append(", HELO ").append(r.helo).append(r.tls == null ? ", no TLS" : ", " + r.tls)
                .append(r.authUser == null ? ", not authenticated" : ", authenticated as " + r.authUser).append('\n');
        b.append("  sender    ").append(r.sender == null || r.sender.isEmpty() ? "<> (a bounce)" : r.sender).append('\n');
        boolean milter = "milter".equals(r.via);
        if (milter) {
            b.append("  via       milter, the MTA's queue id ").append(r.queueId == null ? "(none yet)" : r.queueId);
            if (!r.mta.isEmpty()) {
                b.append(" (").append(String.join(", ", r.mta.values().stream().filter(java.util.Objects::nonNull).toList())).append(')');
            }
            b.append('\n');
        }
        for (DecisionRecord.Recipient rc : r.recipients()) {
            b.append("  recipient ").append(rc.address()).append(": ").append(rc.outcome());
            if (rc.decidedBy() != null) {
                b.append(" by ").append(rc.decidedBy());
            }
            Map<String, Object> m = recipientMap(raw, rc.address());
            if (m.get("reason") != null) {
                b.append(" — ").append(m.get("reason"));
            }
            b.append('\n');
            if (m.get("reply") != null) {
                b.append("            reply: ").append(m.get("reply")).append('\n');
            }
        }
        if (r.size >= 0) {
            b.append("  message   ").append(r.size).append(" octets").append(r.messageId == null ? "" : ", Message-ID " + r.messageId)
                    .append('\n');
        }
        b.append("  decided   ").append(r.verdict).append(r.decidedBy == null ? "" : " by " + r.decidedBy)
                .append(r.reason == null ? "" : ": " + r.reason).append('\n');
        if (r.downstreamReply != null) {
            b.append("  server    answered ").append(r.downstreamReply).append('\n');
        }
        for (Map<String, Object> hit : r.rules()) {
            b.append("  rule      ").append(hit.get("stage")).append('/').append(hit.get("rule")).append(' ').append(hit.get("outcome"))
                    .append(hit.get("detail") == null ? "" : ": " + hit.get("detail")).append('\n');
        }
        signals(b, r);
        String by = r.decider();
        String queueId = r.queueId == null ? "QUEUEID" : r.queueId;
        String now = milter && "held".equals(r.verdict)
                ? "held in the MTA's hold queue by rule " + by + ": release it there (Postfix: postsuper -H " + queueId
                        + "), or delete it (postsuper -d " + queueId + ")"
                : switch (String.valueOf(r.verdict)) {
            case "accepted" -> milter ? "nothing: the MTA took the message for delivery" : "nothing: the mail server took the message";
            case "held" -> "held for review by rule " + by + ": release it with `bin/portcullis hold release " + r.ref
                    + "`, or delete it with `bin/portcullis hold delete " + r.ref + "`";
            default -> advice(String.valueOf(by), withEnvelope(r));
        };
        wrap(b, "  what now  ", now);
        return b.toString();
    }

    /** A record's time to the second: what an operator compares with other logs. */
    static String time(Object t) {
        try {
            return java.time.Instant.parse(String.valueOf(t)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return String.valueOf(t);
        }
    }

    static final int WIDTH = 100;

    /** The signals, with the envelope's sender and client where the record has them and the signals not. */
    private static Map<String, Object> withEnvelope(DecisionRecord r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(r.signals);
        if (r.sender != null && !r.sender.isEmpty()) {
            m.putIfAbsent("mail.from", r.sender);
        }
        if (r.client != null) {
            m.putIfAbsent("client.ip", r.client);
        }
        return m;
    }

    /** Text folded at word boundaries to {@link #WIDTH} columns; a `command` is never split. */
    static void wrap(StringBuilder b, String label, String text) {
        List<String> words = new java.util.ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '`') {
                quoted = !quoted;
            }
            if (c == ' ' && !quoted) {
                words.add(w.toString());
                w.setLength(0);
            } else {
                w.append(c);
            }
        }
        words.add(w.toString());
        fold(b, label, words);
    }

    /**
     * The signals: first those the rules that matched read (marked *), then the rest, folded to
     * {@link #WIDTH} columns. A transaction has some 80; the few that decided must not hide among them.
     */
    @SuppressWarnings("unchecked")
    static void signals(StringBuilder b, DecisionRecord r) {
        if (r.signals.isEmpty()) {
            return;
        }
        java.util.Set<String> decided = new java.util.LinkedHashSet<>();
        for (Map<String, Object> hit : r.rules()) {
            if (hit.get("reads") instanceof List<?> l) {
                l.forEach(x -> decided.add(String.valueOf(x)));
            }
        }
        List<String> first = new java.util.ArrayList<>();
        List<String> rest = new java.util.ArrayList<>();
        r.signals.forEach((k, v) -> (decided.contains(k) ? first : rest).add(decided.contains(k) ? k + "=" + v + "*" : k + "=" + v));
        if (!first.isEmpty()) {
            fold(b, "  signals   ", first);
        }
        fold(b, first.isEmpty() ? "  signals   " : "  others    ", rest);
        if (!first.isEmpty()) {
            b.append("            (* read by the rules that matched)\n");
        }
    }

    private static void fold(StringBuilder b, String label, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder(label);
        for (String item : items) {
            if (line.length() > label.length() && line.length() + 1 + item.length() > WIDTH) {
                b.append(line).append('\n');
                line = new StringBuilder(" ".repeat(label.length()));
            }
            line.append(line.length() > label.length() ? " " : "").append(item);
        }
        b.append(line).append('\n');
    }

    /** One recipient's entry of a decision line (its reason and reply), or an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> recipientMap(Map<?, ?> raw, String address) {
        if (raw.get("recipients") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && address.equals(String.valueOf(m.get("address")))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return Map.of();
    }

    /**
     * What the operator can do, by what decided, with the signals that say why: for {@code log show}
     * and the review page. Every command in it is complete and runnable as printed (a test runs them).
     */
    public static String advice(String by, Map<String, Object> signals) {
        StringBuilder a = new StringBuilder();
        if (by.equals("relay.closed")) {
            a.append("the recipient's domain is not one of ours (gateway.yaml: domains) and the client may not relay: the sender "
                    + "must send to that domain's own mail server; our own users submit with SMTP AUTH or from trusted_networks");
        } else if (by.equals("relay.routing_trick")) {
            a.append("the address tries to route mail through us (percent hack, bang path, source route, literal…): refused for "
                    + "everyone; the sender must use a plain address");
        } else if (by.endsWith(".syntax")) {
            a.append("the address is malformed: the sender must correct it");
        } else if (by.startsWith("limits.")) {
            a.append("a limit of gateway.yaml (").append(by).append(") was exceeded: the sender stays within it, or the admin raises it");
        } else if (by.equals("data.bare_newline")) {
            a.append("the sender's software ends lines with a bare CR or LF: it must send CRLF (SMTP smuggling protection)");
        } else if (by.equals("downstream")) {
            a.append("our mail server refused the mail or could not be reached (see 'server'): a 4xx is retried by the sender; "
                    + "for a 5xx look at the mail server's own log");
        } else if (by.equals("shutdown")) {
            a.append("the gateway was shutting down: the sender retries");
        } else {
            a.append("decided by the rule '").append(by).append("' (conf/rules, conf/local.d): to let such mail pass, allowlist ");
            Object from = signals.get("mail.from");
            Object ip = signals.get("client.ip");
            boolean sender = from instanceof String f && f.contains("@");
            if (sender) {
                a.append("the sender (`bin/portcullis list add --white --address ").append(shellWord(String.valueOf(from))).append(" --reason 'WHY'`)");
            }
            if (ip instanceof String i && !i.isEmpty()) {
                a.append(sender ? " or " : "").append("the client (`bin/portcullis list add --white --ip ").append(ip)
                        .append(" --reason 'WHY'`)");
            } else if (!sender) {
                a.append("the sender or client (`bin/portcullis list add --white --help`)");
            }
            a.append(", or change the rule in conf/local.d and see what the change would do to recorded traffic with "
                    + "`bin/portcullis rules replay --log logs/decisions.jsonl --rules conf/rules --local conf/local.d`");
        }
        a.append(authenticationHints(signals));
        return a.toString();
    }

    /**
     * What the outside sender can do, for the public {@code /ref/} page: nothing of our configuration,
     * files or commands, which the sender can neither see nor run.
     */
    public static String senderAdvice(String by, Map<String, Object> signals) {
        StringBuilder a = new StringBuilder();
        if (by.equals("relay.closed")) {
            a.append("the recipient's domain does not receive mail here: send to that domain's own mail server (its MX); "
                    + "if you have an account with us, send through your submission server with your login");
        } else if (by.equals("relay.routing_trick")) {
            a.append("the address tries to route mail through this server (percent hack, bang path, source route…): "
                    + "use a plain address");
        } else if (by.endsWith(".syntax")) {
            a.append("the address is malformed: correct it");
        } else if (by.startsWith("limits.")) {
            a.append("the mail or the connection exceeded a limit of this server (").append(by)
                    .append("): send within it (a smaller message, fewer recipients or connections at once)");
        } else if (by.equals("data.bare_newline")) {
            a.append("your mail software ends lines with a bare CR or LF: it must send CRLF");
        } else if (by.equals("downstream")) {
            a.append("our mail store refused the mail or could not be reached: a temporary refusal (4xx) is retried by your "
                    + "server; for a permanent one write to the postmaster");
        } else if (by.equals("shutdown")) {
            a.append("the server was restarting: your server retries by itself");
        } else {
            a.append("this provider's policy refused it: if the reasons below do not explain it, write to the postmaster");
        }
        a.append(authenticationHints(signals));
        return a.toString();
    }

    /** A value as one shell word: a sender's address is the sender's to choose, quotes and all. */
    static String shellWord(String v) {
        return v.matches("[A-Za-z0-9@._+=:/-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
    }

    /** The sender-side causes both readers need: what the sender's domain or network must fix. */
    private static String authenticationHints(Map<String, Object> signals) {
        StringBuilder a = new StringBuilder();
        Object spf = signals.get("spf.result");
        if ("fail".equals(spf) || "softfail".equals(spf)) {
            a.append("; SPF ").append(spf).append(signals.get("spf.domain") == null ? "" : " for " + signals.get("spf.domain"))
                    .append(signals.get("client.ip") == null ? "" : " from " + signals.get("client.ip"))
                    .append(": the sender's domain does not list this address");
        }
        if (Boolean.TRUE.equals(signals.get("dnsbl.listed"))) {
            a.append("; the client address is listed on ").append(signals.get("dnsbl.zone")).append(": the sender asks that list to delist it");
        }
        if ("fail".equals(signals.get("dmarc.result"))) {
            a.append("; DMARC failed").append(signals.get("dmarc.domain") == null ? "" : " for " + signals.get("dmarc.domain"))
                    .append(": the From domain's owner must authenticate its mail (SPF or DKIM aligned with From)");
        }
        return a.toString();
    }
}
