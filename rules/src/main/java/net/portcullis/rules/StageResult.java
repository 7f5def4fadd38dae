package net.portcullis.rules;

import java.util.List;

/**
 * What the rules of one stage did for one event: the verdict (CONTINUE when no terminal rule
 * matched), tags to add, score added, and a line per rule for `rules test` and the log.
 */
public record StageResult(Stage stage, Verdict verdict, List<Tag> tags, long score, List<Trace> trace) {

    public record Tag(String header, String value, String rule) { }

    /** outcome: matched, not-matched, skipped (out of scope or stage already decided), monitor, error. */
    /** @param reads the signals the rule's condition reads (for a rule that matched: what decided, for log show) */
    public record Trace(String rule, String outcome, String detail, java.util.Set<String> reads) {
        public Trace(String rule, String outcome, String detail) {
            this(rule, outcome, detail, java.util.Set.of());
        }
    }
}
