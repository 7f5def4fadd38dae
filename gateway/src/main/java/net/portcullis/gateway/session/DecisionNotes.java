package net.portcullis.gateway.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.rules.Stage;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both shapes (proxy and milter) note of a transaction's policy in its decision record. */
public final class DecisionNotes {
    private static final Logger MONITOR = LoggerFactory.getLogger("portcullis.monitor");

    private DecisionNotes() {
    }

    /** Rules that matched, watched (monitor) or failed, for the decision record; monitor hits also to the log. */
    public static void rules(DecisionRecord record, List<StageResult> stages) {
        for (StageResult r : stages) {
            for (StageResult.Trace t : r.trace()) {
                if (t.outcome().equals("matched") || t.outcome().equals("monitor") || t.outcome().equals("error")) {
                    boolean fresh = record.rule(r.stage().keyword(), t.rule(), t.outcome(), t.detail(), t.reads());
                    if (fresh && t.outcome().equals("monitor")) {
                        MONITOR.info("[ref {}] monitor rule {} {}", record.ref, t.rule(), t.detail());
                    }
                }
            }
        }
    }

    /** The headers rules add (tag), each once, in the order they came. */
    public static void addTags(List<StageResult.Tag> into, List<StageResult.Tag> more) {
        for (StageResult.Tag t : more) {
            if (!into.contains(t)) {
                into.add(t);
            }
        }
    }

    /**
     * The refusal of the client itself (decided at the connect or HELO stage), or null: it holds
     * for the rest of the session, so a client refused for its HELO does not get through by
     * sending another.
     */
    public static Verdict clientRefusal(StageOutcome o) {
        if (o.stages().isEmpty()) {
            return null;
        }
        StageResult decider = o.stages().get(o.stages().size() - 1);
        boolean ofClient = decider.verdict().refused() && (decider.stage() == Stage.CONNECT || decider.stage() == Stage.HELO);
        return ofClient ? o.verdict() : null;
    }

    /** The transaction's signals into the record: what a release decides again on, and what log show explains. */
    public static void signals(DecisionRecord record, PolicyTransaction policy, SignalMap dataSignals) {
        Map<String, Object> sig = new LinkedHashMap<>();
        if (policy != null) {
            sig.putAll(policy.early().toJson());
        }
        if (dataSignals != null) {
            sig.putAll(dataSignals.toJson());
        }
        record.signals = sig;
    }

    /** The transaction's signals and time into the record, then the record to the log; the metrics count it. */
    public static void write(GatewayContext ctx, DecisionRecord record, PolicyTransaction policy, SignalMap dataSignals, long startNanos) {
        signals(record, policy, dataSignals);
        long took = System.nanoTime() - startNanos;
        record.latencyMs = took / 1_000_000;
        ctx.metrics().transaction(record.verdict, java.time.Duration.ofNanos(took));
        ctx.log().write(record);
    }
}
