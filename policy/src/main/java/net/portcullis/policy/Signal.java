package net.portcullis.policy;

import java.util.Objects;

/**
 * A named fact a check found, with the evidence for it. Checks emit signals; they never decide.
 * Values are String, Boolean, Long or an InetAddress, so that rules can compare them by type.
 */
public record Signal(String name, Object value, String evidence) {
    public Signal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value of " + name);
        if (!(value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof java.net.InetAddress || value instanceof Missing)) {
            throw new IllegalArgumentException("signal " + name + " has unsupported type " + value.getClass().getSimpleName());
        }
        evidence = evidence == null ? "" : evidence;
    }

    public static Signal of(String name, boolean value, String evidence) {
        return new Signal(name, value, evidence);
    }

    public static Signal of(String name, String value, String evidence) {
        return new Signal(name, value, evidence);
    }

    /** The value of a signal its check could not establish (a DNS timeout): rules reading it fail temporarily. */
    public record Missing(String reason, boolean dns) { }

    public static Signal unavailable(String name, String reason, boolean dns) {
        return new Signal(name, new Missing(reason, dns), reason);
    }

    public boolean isTrue() {
        return Boolean.TRUE.equals(value);
    }
}
