package net.portcullis.policy;

import java.util.List;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;

/**
 * The policy's answer for one recipient (or for the message, at the data stage): the verdict,
 * the score reached, the tags to add, and each stage's trace for `rules test` and the log.
 */
public record StageOutcome(Verdict verdict, long score, List<StageResult.Tag> tags, List<StageResult> stages,
                           SignalMap signals) {
    public StageOutcome {
        tags = List.copyOf(tags);
        stages = List.copyOf(stages);
    }
}
