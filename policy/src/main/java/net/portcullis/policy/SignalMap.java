package net.portcullis.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import net.portcullis.rules.Signals;

/** Signals computed for an event, layered over those of earlier stages; failed checks recorded. */
public final class SignalMap implements Signals {
    private final SignalMap parent;
    private final Map<String, Signal> values = new LinkedHashMap<>();
    private final Map<String, Unavailable> errors = new LinkedHashMap<>();

    public SignalMap(SignalMap parent) {
        this.parent = parent;
    }

    public void put(Signal s) {
        if (s.value() instanceof Signal.Missing m) {
            fail(s.name(), m.reason(), m.dns());
            return;
        }
        values.put(s.name(), s);
    }

    public void fail(String name, String message, boolean dns) {
        errors.put(name, new Unavailable(message, dns));
    }

    @Override
    public Object value(String name) throws Unavailable {
        Signal s = values.get(name);
        if (s != null) {
            return s.value();
        }
        Unavailable u = errors.get(name);
        if (u != null) {
            throw u;
        }
        return parent == null ? null : parent.value(name);
    }

    public Signal signal(String name) {
        Signal s = values.get(name);
        return s != null || parent == null ? s : parent.signal(name);
    }

    /** The signals of this layer only. */
    public Map<String, Signal> own() {
        return values;
    }

    /** Failed checks of this layer: signal name to reason. */
    public Map<String, String> ownErrors() {
        Map<String, String> m = new LinkedHashMap<>();
        errors.forEach((k, v) -> m.put(k, v.getMessage()));
        return m;
    }
}
