package net.portcullis.rules;

import java.util.Set;

/** Signal names in a rule: known to the catalogue, computed by the rule's stage or before it; a near miss is suggested. */
final class SignalRefs {
    private final Catalogue catalogue;
    private final TokenCursor in;

    SignalRefs(Catalogue catalogue, TokenCursor in) {
        this.catalogue = catalogue;
        this.in = in;
    }

    /** The type of a known signal, or null. */
    Type typeOf(String name) {
        return catalogue.find(name).map(SignalSpec::type).orElse(null);
    }

    Operand.SignalRef ref(Token t, String name, Stage stage, Set<String> used) {
        SignalSpec spec = catalogue.find(name).orElse(null);
        if (spec == null) {
            throw in.fail(t, "unknown signal '" + name + "'" + suggestion(name) + " (see: portcullis signals)");
        }
        if (spec.stage().ordinal() > stage.ordinal()) {
            throw in.fail(t, "signal '" + name + "' is known only from stage " + spec.stage().keyword()
                    + " on; this rule runs at stage " + stage.keyword() + ", before it");
        }
        used.add(name);
        return new Operand.SignalRef(name, spec.type());
    }

    String suggestion(String name) {
        String best = null;
        int bestD = 3;
        for (SignalSpec s : catalogue.all()) {
            int d = RuleCompiler.distance(s.name(), name);
            if (d < bestD) {
                bestD = d;
                best = s.name();
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }
}
