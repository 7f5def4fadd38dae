package net.portcullis.rules;

import java.util.Set;

/** A side of a comparison: a signal, or a literal. */
sealed interface Operand {
    Object value(Signals s) throws Signals.Unavailable;

    Type type();

    void signals(Set<String> into);

    record SignalRef(String name, Type type) implements Operand {
        public Object value(Signals s) throws Signals.Unavailable {
            return s.value(name);
        }

        public void signals(Set<String> into) {
            into.add(name);
        }
    }

    record Literal(Object value, Type type) implements Operand {
        public Object value(Signals s) {
            return value;
        }

        public void signals(Set<String> into) {
        }
    }
}
