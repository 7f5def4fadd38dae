package net.portcullis.policy.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** tag=value; lists of DKIM signatures and key records (RFC 6376 3.2), whitespace around tags removed. */
final class Tags {
    private Tags() {
    }

    /** @throws IllegalArgumentException on a duplicate or malformed tag */
    static Map<String, String> parse(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : s.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed tag '" + p + "'");
            }
            String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("malformed tag name '" + name + "'");
            }
            String value = p.substring(eq + 1).strip();
            if (out.put(name, value) != null) {
                throw new IllegalArgumentException("tag " + name + "= appears twice");
            }
        }
        return out;
    }

    static String noSpace(String v) {
        return v == null ? null : v.replaceAll("[ \\t\\r\\n]", "");
    }
}
