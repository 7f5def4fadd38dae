package net.portcullis.policy.store;

import java.time.Instant;
import java.util.Locale;
import net.portcullis.rules.Network;

/**
 * One entry of a local black or white list: an address or CIDR range, a domain (and its
 * subdomains), an envelope address, or a link domain (a domain, and its subdomains, that links
 * in message bodies point to: what spam advertises); with why, who put it there, when, and
 * until when.
 */
public record ListEntry(long id, Color color, Kind kind, String value, String reason, String source, Instant created,
                        Instant expires) {

    public enum Color { BLACK, WHITE;
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Kind { IP, DOMAIN, ADDRESS, LINK;
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !expires.isAfter(now);
    }

    /** The value in the form the store keeps it; the error says what is wrong with it. */
    public static String normalise(Kind kind, String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty " + kind.word());
        }
        switch (kind) {
            case IP -> {
                String n = Network.parse(v).toString();
                // a single address is kept without its full-length prefix: /32 for IPv4, /128 for IPv6
                return n.contains(":") ? n.replaceAll("/128$", "") : n.replaceAll("/32$", "");
            }
            case DOMAIN, LINK -> {
                String d = v.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
                if (!d.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                    throw new IllegalArgumentException("'" + value + "' is not a domain name");
                }
                return d;
            }
            default -> {
                int at = v.lastIndexOf('@');
                if (at <= 0 || at == v.length() - 1 || v.contains(" ")) {
                    throw new IllegalArgumentException("'" + value + "' is not an envelope address (local@domain)");
                }
                return v.substring(0, at) + "@" + normalise(Kind.DOMAIN, v.substring(at + 1));
            }
        }
    }
}
