package net.portcullis.policy;

import java.util.Locale;
import java.util.function.Function;

/** Looking a domain up by itself and then each parent (a.b.example, b.example, example), as lists of domains mean it. */
public final class DomainSuffixes {
    private DomainSuffixes() {
    }

    /** The first non-null answer of {@code lookup} for the domain (lower case) or a parent of it; null when none. */
    public static <V> V find(String domain, Function<String, V> lookup) {
        if (domain == null) {
            return null;
        }
        String d = domain.toLowerCase(Locale.ROOT);
        while (true) {
            V v = lookup.apply(d);
            if (v != null) {
                return v;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return null;
            }
            d = d.substring(dot + 1);
        }
    }
}
