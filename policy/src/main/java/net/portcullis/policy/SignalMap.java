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
        for (Map.Entry<String, Unavailable> e : errors.entrySet()) {
            // a family failed as a whole (its check failed): each of its names is unknown, not absent
            String k = e.getKey();
            if (k.endsWith(".*") && name.startsWith(k.substring(0, k.length() - 1))) {
                throw e.getValue();
            }
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

    /**
     * This layer as JSON values: the one conversion the decision log, {@code rules test} and
     * {@code rules replay} share. An address is its text form; a failed check is
     * {@code {"unavailable": reason}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.values().forEach(s -> out.put(s.name(), jsonValue(s.value())));
        errors.forEach((k, v) -> out.put(k, Map.of("unavailable", v.getMessage())));
        return out;
    }

    /** A signal value as JSON: addresses as text, everything else as it is. */
    public static Object jsonValue(Object v) {
        return v instanceof java.net.InetAddress a ? a.getHostAddress() : v;
    }

    /**
     * The inverse of {@link #toJson}, for replay: signals the catalogue no longer knows, and
     * values of the wrong type (a hand-edited log), are left out, since no rule can read them.
     */
    public static SignalMap fromJson(Map<String, Object> recorded, net.portcullis.rules.Catalogue catalogue, SignalMap parent) {
        SignalMap m = new SignalMap(parent);
        recorded.forEach((name, raw) -> {
            if (raw instanceof Map<?, ?> err) {
                m.fail(name, String.valueOf(err.get("unavailable")), false);
                return;
            }
            net.portcullis.rules.SignalSpec spec = catalogue.find(name).orElse(null);
            if (spec == null || raw == null) {
                return;
            }
            try {
                Object v = switch (spec.type()) {
                    case IP -> net.portcullis.rules.Network.address(String.valueOf(raw));
                    case NUMBER -> ((Number) raw).longValue();
                    case BOOL -> (Boolean) raw;
                    case STRING -> String.valueOf(raw);
                };
                m.put(new Signal(name, v, "recorded"));
            } catch (RuntimeException e) {
                // a value of the wrong type: left out, as above
            }
        });
        return m;
    }

    /** Failed checks of this layer: signal name to reason. */
    public Map<String, String> ownErrors() {
        Map<String, String> m = new LinkedHashMap<>();
        errors.forEach((k, v) -> m.put(k, v.getMessage()));
        return m;
    }
}
