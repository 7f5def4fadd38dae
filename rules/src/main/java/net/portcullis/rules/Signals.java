package net.portcullis.rules;

/**
 * The signal values a rule is evaluated against. {@link #value} returns null for a signal that
 * was not computed, and throws {@link Unavailable} for one whose check failed (a DNS timeout,
 * an exception): rules must not decide on a fact nobody could establish.
 */
public interface Signals {
    Object value(String name) throws Unavailable;

    final class Unavailable extends Exception {
        private final boolean dns;

        public Unavailable(String message, boolean dns) {
            super(message, null, false, false);
            this.dns = dns;
        }

        /** A DNS failure (451 4.4.3) rather than some other temporary error (451 4.3.0). */
        public boolean dns() {
            return dns;
        }
    }
}
