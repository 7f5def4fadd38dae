package net.portcullis.policy.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/** Organisational domains (RFC 7489 3.2) from the Public Suffix List that Guava maintains and ships. */
public final class OrgDomains {
    private OrgDomains() {
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
        try {
            InternetDomainName n = InternetDomainName.from(d);
            if (n.isUnderPublicSuffix()) {
                return n.topPrivateDomain().toString();
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
