package net.portcullis.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, checked set of rules: immutable, so a reload swaps one reference and no
 * transaction ever sees half of one set and half of another.
 */
public final class RuleSet {
    private final Map<Stage, List<Rule>> byStage = new EnumMap<>(Stage.class);
    private final List<Rule> rules;
    private final Set<String> signals;
    private final List<String> files;

    RuleSet(List<Rule> rules, List<String> files) {
        this.rules = List.copyOf(rules);
        this.files = List.copyOf(files);
        Set<String> s = new LinkedHashSet<>();
        for (Stage st : Stage.values()) {
            byStage.put(st, new ArrayList<>());
        }
        for (Rule r : rules) {
            byStage.get(r.stage()).add(r);
            s.addAll(r.signals());
        }
        this.signals = Collections.unmodifiableSet(s);
    }

    public static RuleSet empty() {
        return new RuleSet(List.of(), List.of());
    }

    /** The same set without one rule: to decide a held message again, less the rule that held it. */
    public RuleSet without(String ruleName) {
        return new RuleSet(rules.stream().filter(r -> !r.name().equals(ruleName)).toList(), files);
    }

    public List<Rule> rules() {
        return rules;
    }

    public List<Rule> rules(Stage stage) {
        return Collections.unmodifiableList(byStage.get(stage));
    }

    /** The files this set was loaded from, in load order. */
    public List<String> files() {
        return files;
    }

    /** Every signal some rule reads: the engine computes only these. */
    public Set<String> neededSignals() {
        return signals;
    }

    /**
     * Runs the rules of a stage top to bottom for one recipient domain (null before recipients
     * are known). The first terminal action decides; tags and scores of matching rules before it
     * add up; monitor rules only record what they would have done.
     */
    public StageResult evaluate(Stage stage, String domain, Signals signals, long scoreSoFar) {
        long[] score = {scoreSoFar};
        Signals withScore = name -> name.equals("score") ? score[0] : signals.value(name);
        List<StageResult.Tag> tags = new ArrayList<>();
        List<StageResult.Trace> trace = new ArrayList<>();
        Verdict verdict = Verdict.proceed();
        for (Rule r : byStage.get(stage)) {
            if (verdict.kind() != Verdict.Kind.CONTINUE) {
                trace.add(new StageResult.Trace(r.name(), "skipped", "stage already decided"));
                continue;
            }
            if (!r.appliesTo(domain)) {
                trace.add(new StageResult.Trace(r.name(), "skipped", "out of scope for " + (domain == null ? "(no recipient yet)" : domain)));
                continue;
            }
            boolean matched;
            try {
                matched = r.when() == null || r.when().eval(withScore);
            } catch (Signals.Unavailable e) {
                if (r.monitor()) {
                    trace.add(new StageResult.Trace(r.name(), "error", "monitor: " + e.getMessage()));
                    continue;
                }
                Reply reply = e.dns() ? new Reply(451, "4.4.3", "Temporary DNS failure checking policy, try again later")
                        : new Reply(451, "4.3.0", "Temporary error checking policy, try again later");
                verdict = Verdict.refuse(reply, r.name(), "signal unavailable: " + e.getMessage());
                trace.add(new StageResult.Trace(r.name(), "error", e.getMessage()));
                continue;
            }
            if (!matched) {
                trace.add(new StageResult.Trace(r.name(), "not-matched", ""));
                continue;
            }
            Action a = r.action();
            if (r.monitor()) {
                trace.add(new StageResult.Trace(r.name(), "monitor", "would have: " + describe(a, withScore), reads(r)));
                continue;
            }
            trace.add(new StageResult.Trace(r.name(), "matched", describe(a, withScore), reads(r)));
            if (a instanceof Action.Score sc) {
                score[0] += sc.points();
            } else if (a instanceof Action.Tag t) {
                tags.add(new StageResult.Tag(t.header(), t.value().render(withScore), r.name()));
            } else if (a instanceof Action.Hold h) {
                verdict = Verdict.hold(r.name(), h.reason().render(withScore));
            } else if (a instanceof Action.Refuse rf) {
                verdict = Verdict.refuse(Reply.sanitized(rf.code(), rf.status(), rf.text().render(withScore)), r.name(),
                        "rule " + r.name() + " (" + r.where() + ")");
            } else {
                verdict = Verdict.accept(r.name(), "rule " + r.name() + " (" + r.where() + ")");
            }
        }
        return new StageResult(stage, verdict, tags, score[0] - scoreSoFar, trace);
    }

    /** The signals a rule's condition read (not its reply's placeholders): what decided, for the decision log. */
    private static Set<String> reads(Rule r) {
        Set<String> into = new java.util.TreeSet<>();
        r.when().signals(into);
        return into;
    }

    private static String describe(Action a, Signals s) {
        if (a instanceof Action.Refuse rf) {
            return a.describe() + " \"" + rf.text().render(s) + "\"";
        }
        if (a instanceof Action.Tag t) {
            return "tag " + t.header() + ": " + t.value().render(s);
        }
        if (a instanceof Action.Hold h) {
            return "hold \"" + h.reason().render(s) + "\"";
        }
        return a.describe();
    }
}
