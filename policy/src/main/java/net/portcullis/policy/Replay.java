package net.portcullis.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.Network;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Verdict;

/**
 * `rules replay`: re-decides recorded transactions under a candidate rule set, from the signals
 * the decision log recorded (no new DNS queries), and counts what would change, by rule.
 * Only policy decisions are compared: limits, syntax, routing tricks and the downstream's own
 * answers are not the rules' to change.
 */
public final class Replay {
    public record Change(String ref, String subject, String before, String after, String detail) { }

    public record Report(String source, int transactions, int recipients, int messages, int unreadable,
                         Map<String, List<Change>> byRule, Set<String> missingSignals) {
        public int changed() {
            return byRule.values().stream().mapToInt(List::size).sum();
        }

        public String render(int examples) {
            return render(examples, "the candidate rules");
        }

        /** @param candidate what the recorded decisions are compared with, in plain words */
        public String render(int examples, String candidate) {
            StringBuilder b = new StringBuilder();
            b.append("compared: the decisions recorded in ").append(source).append(" (the rules in force then)\n")
                    .append("    with: ").append(candidate).append(", on the same recorded signals\n")
                    .append("     not compared: limits, syntax errors, routing tricks and the mail server's own answers,\n")
                    .append("                   which rules do not decide; a recipient or message the mail server refused\n")
                    .append("                   counts as accepted by the rules\n");
            b.append("replayed ").append(transactions).append(" transaction(s) from ").append(source).append(": ")
                    .append(recipients).append(" recipient decision(s), ").append(messages).append(" message decision(s)\n");
            if (unreadable > 0) {
                b.append("skipped ").append(unreadable).append(" line(s) that are not decision records\n");
            }
            b.append(changed()).append(" decision(s) would change\n");
            byRule.forEach((rule, changes) -> {
                b.append("  ").append(rule).append(": ").append(changes.size()).append('\n');
                changes.stream().limit(examples).forEach(c -> b.append("    ref ").append(c.ref()).append("  ")
                        .append(c.subject()).append("  ").append(c.before()).append(" -> ").append(c.after())
                        .append(c.detail().isEmpty() ? "" : ": " + c.detail()).append('\n'));
            });
            if (!missingSignals.isEmpty()) {
                b.append("note: the candidate rules read signals this log never recorded (their tests replay as false): ")
                        .append(String.join(", ", missingSignals)).append('\n');
            }
            return b.toString();
        }
    }

    private Replay() {
    }

    @SuppressWarnings("unchecked")
    public static Report run(Path log, RuleSet rules, Catalogue catalogue) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<Change>> byRule = new LinkedHashMap<>();
        Set<String> seenSignals = new HashSet<>();
        int transactions = 0;
        int recipients = 0;
        int messages = 0;
        int unreadable = 0;
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                DecisionRecord rec;
                try {
                    Map<?, ?> raw = json.readValue(line, Map.class);
                    if (raw == null || !"transaction".equals(raw.get("event"))) {
                        continue;
                    }
                    rec = DecisionRecord.fromMap(raw);
                } catch (IOException | IllegalArgumentException e) {
                    unreadable++;
                    continue;
                }
                transactions++;
                String ref = rec.ref;
                Map<String, Object> top = rec.signals;
                seenSignals.addAll(top.keySet());
                SignalMap base = SignalMap.fromJson(top, catalogue, null);
                List<String> acceptedDomains = new ArrayList<>();
                Map<String, Long> scores = new HashMap<>();
                for (DecisionRecord.Recipient rc : rec.recipients()) {
                    Map<String, Object> sig = rc.signals();
                    if (sig == null || sig.containsKey("rcpt.routing_trick") || sig.containsKey("rcpt.syntax_error")) {
                        continue; // decided before the rules (limits, syntax, routing tricks)
                    }
                    recipients++;
                    seenSignals.addAll(sig.keySet());
                    SignalMap m = SignalMap.fromJson(sig, catalogue, base);
                    String domain = String.valueOf(sig.getOrDefault("rcpt.domain", ""));
                    boolean local = Boolean.TRUE.equals(sig.get("rcpt.local_domain"));
                    StageOutcome now = PolicyTransaction.decideRecipient(rules, m, domain, local, false);
                    // the mail server's own refusal is not the rules': they had accepted the recipient
                    String before = "downstream".equals(rc.decidedBy()) ? "accepted" : String.valueOf(rc.outcome());
                    String after = word(now.verdict());
                    if (now.verdict().kind() == Verdict.Kind.ACCEPT) {
                        acceptedDomains.add(domain);
                        scores.merge(domain, now.score(), Math::max);
                    }
                    if (!before.equals(after)) {
                        String rule = now.verdict().refused() ? now.verdict().decidedBy()
                                : "no longer refused by " + rc.decidedBy();
                        byRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(new Change(ref, rc.address(),
                                before, after, now.verdict().reply() == null ? "" : now.verdict().reply().code() + " "
                                + now.verdict().reply().status() + " " + now.verdict().reply().text()));
                    }
                }
                if (rec.size >= 0 && !acceptedDomains.isEmpty()) {
                    messages++;
                    StageOutcome now = PolicyTransaction.decideData(rules, base, acceptedDomains, scores, false);
                    String before = dataRefusedBefore(rec) || "held".equals(rec.verdict) ? rec.verdict : "accepted";
                    String after = now.verdict().refused() || now.verdict().kind() == Verdict.Kind.HOLD ? word(now.verdict()) : "accepted";
                    if (!before.equals(after)) {
                        boolean decided = now.verdict().refused() || now.verdict().kind() == Verdict.Kind.HOLD;
                        String rule = decided ? now.verdict().decidedBy() : "no longer refused by " + rec.decidedBy;
                        byRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(new Change(ref, "message " + rec.messageId,
                                before, after, now.verdict().reply() == null ? "" : now.verdict().reply().code() + " "
                                + now.verdict().reply().status() + " " + now.verdict().reply().text()));
                    }
                }
            }
        }
        Set<String> missing = new TreeSet<>(rules.neededSignals());
        missing.removeAll(seenSignals);
        missing.remove("score");
        return new Report(log.toString(), transactions, recipients, messages, unreadable, byRule, missing);
    }

    private static boolean dataRefusedBefore(DecisionRecord rec) {
        if (!"rejected".equals(rec.verdict) && !"tempfail".equals(rec.verdict)) {
            return false;
        }
        for (Map<String, Object> hit : rec.rules()) {
            if ("data".equals(hit.get("stage")) && String.valueOf(rec.decidedBy).equals(hit.get("rule"))) {
                return true;
            }
        }
        return false;
    }

    private static String word(Verdict v) {
        return switch (v.kind()) {
            case REJECT -> "rejected";
            case TEMPFAIL -> "tempfail";
            case HOLD -> "held";
            default -> "accepted";
        };
    }
}
