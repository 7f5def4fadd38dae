package net.portcullis.rules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The signals rules may name, supplied by whoever computes them (the checks of policy/). */
public final class Catalogue {
    /** The running score of the transaction: every stage may test it. */
    public static final SignalSpec SCORE = new SignalSpec("score", Type.NUMBER, Stage.CONNECT,
            "sum of the score actions of the rules that matched so far in this transaction", "7");

    private final Map<String, SignalSpec> specs = new LinkedHashMap<>();

    public Catalogue(Collection<SignalSpec> specs) {
        this.specs.put(SCORE.name(), SCORE);
        for (SignalSpec s : specs) {
            if (this.specs.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("signal " + s.name() + " is declared twice");
            }
        }
    }

    /** The spec of a signal: its own, or that of the family it belongs to ({@code rspamd.symbol.GTUBE} of {@code rspamd.symbol.*}). */
    public Optional<SignalSpec> find(String name) {
        SignalSpec s = specs.get(name);
        if (s != null || name.endsWith(".*")) {
            return Optional.ofNullable(s); // a family by its own name: for the catalogue's listing
        }
        for (SignalSpec f : specs.values()) {
            if (f.family() && f.covers(name)) {
                return Optional.of(new SignalSpec(name, f.type(), f.stage(), f.meaning(), f.example()));
            }
        }
        return Optional.empty();
    }

    public List<SignalSpec> all() {
        return List.copyOf(specs.values());
    }
}
