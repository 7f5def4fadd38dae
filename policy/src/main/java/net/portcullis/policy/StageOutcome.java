package net.portcullis.policy;

import java.util.List;
import net.portcullis.rules.Verdict;

/** The verdict of one stage for one event, with the signals that were computed for it. */
public record StageOutcome(Verdict verdict, List<Signal> signals) {
    public StageOutcome {
        signals = List.copyOf(signals);
    }
}
