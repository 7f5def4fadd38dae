package net.portcullis.rules;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Text with {signal.name} placeholders, filled from the signals when a rule decides. */
record Template(List<Object> parts) {
    /** A part is a String (literal text) or an Operand.SignalRef. */
    String render(Signals s) {
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof Operand.SignalRef ref) {
                Object v;
                try {
                    v = ref.value(s);
                } catch (Signals.Unavailable e) {
                    v = null;
                }
                b.append(v == null ? "unknown" : v instanceof InetAddress a ? a.getHostAddress() : v);
            } else {
                b.append(p);
            }
        }
        return b.toString();
    }

    void signals(Set<String> into) {
        for (Object p : parts) {
            if (p instanceof Operand.SignalRef r) {
                into.add(r.name());
            }
        }
    }

    static Template literal(String text) {
        return new Template(new ArrayList<>(List.of(text)));
    }
}
