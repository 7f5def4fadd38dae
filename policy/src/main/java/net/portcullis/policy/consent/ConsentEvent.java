package net.portcullis.policy.consent;

import java.time.Instant;
import java.util.Locale;

/**
 * One change of consent, as it happened: {@code recipient} (an address, or a domain we host for
 * all its addresses) agreed, confirmed, withdrew or lapsed for mail from {@code sender} (a domain
 * or one address); how, with what evidence, recorded by whom, when, and (for a grant) until when.
 */
public record ConsentEvent(long id, String recipient, String sender, Action action, String method, String evidence,
                           String actor, Instant at, Instant validUntil) {

    public enum Action { GRANT, CONFIRM, REVOKE, EXPIRE;
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Methods a grant may name; a double opt-in grant counts only once confirmed. */
    public static final java.util.Set<String> METHODS = java.util.Set.of("web-form", "double-opt-in", "import", "admin", "api");

    /** An address or a domain, lower case; the error says what is wrong. */
    public static String party(String role, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        String domain = v.contains("@") ? v.substring(v.lastIndexOf('@') + 1) : v;
        if (v.startsWith("@") || v.endsWith("@") || !domain.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}")
                || v.chars().filter(c -> c == '@').count() > 1 || v.contains(" ")) {
            throw new IllegalArgumentException(role + " '" + value + "' is neither an address (user@domain) nor a domain");
        }
        return v;
    }
}
