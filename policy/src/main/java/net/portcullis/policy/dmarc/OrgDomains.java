package net.portcullis.policy.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * Organisational domains (RFC 7489 3.2): from the Public Suffix List file the gateway loaded at start
 * ({@code dmarc.public_suffix_list}, by default Debian's), else from the one Guava ships. Either way a
 * TLD neither list names is a public suffix by the list's default rule "*".
 *
 * The list is process-wide data, like the time-zone database: one for every check and every thread.
 */
public final class OrgDomains {
    private static volatile PublicSuffixes loaded;

    private OrgDomains() {
    }

    /** The list from now on; null: Guava's bundled one. */
    public static void use(PublicSuffixes list) {
        loaded = list;
    }

    /** Where the list in use came from, for the start-up log and `config show`. */
    public static String source() {
        PublicSuffixes l = loaded;
        return l == null ? "the list bundled with Guava" : l.source() + " (" + l.size() + " rules)";
    }

    /** Lower case, without leading or trailing dots (so ".mac.com." is mac.com). */
    public static String normalise(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    public static String of(String domain) {
        String d = normalise(domain);
        PublicSuffixes l = loaded;
        if (l != null) {
            String r = l.registrable(d);
            return r == null ? d : r;
        }
        try {
            InternetDomainName n = InternetDomainName.from(d);
            if (n.isUnderPublicSuffix()) {
                return n.topPrivateDomain().toString();
            }
            if (!n.hasPublicSuffix() && n.parts().size() > 2) {
                // the PSL's default rule "*": a TLD the list does not name is a public suffix of one label
                return String.join(".", n.parts().subList(n.parts().size() - 2, n.parts().size()));
            }
            return d;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return d;
        }
    }

    /** Identifier alignment: equal domains in strict mode, equal organisational domains in relaxed mode. */
    public static boolean aligned(String from, String authenticated, boolean strict) {
        String a = normalise(from);
        String b = normalise(authenticated);
        if (a.isEmpty() || b.isEmpty() || a.contains("..") || b.contains("..")) {
            return false;
        }
        return strict ? a.equals(b) : of(a).equals(of(b));
    }
}
