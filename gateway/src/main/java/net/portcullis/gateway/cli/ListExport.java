package net.portcullis.gateway.cli;

import java.time.Instant;
import java.util.List;
import net.portcullis.policy.store.ListEntry;

/** The lists in exchange formats: CSV (all entries) and rbldnsd (the address entries, served as a DNSBL). */
final class ListExport {
    static final String CSV_HEADER = "color,kind,value,reason,source,created,expires";

    private ListExport() {
    }

    static String csv(List<ListEntry> entries) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (ListEntry e : entries) {
            b.append(e.color().word()).append(',').append(e.kind().word()).append(',').append(field(e.value())).append(',')
                    .append(field(e.reason())).append(',').append(field(e.source())).append(',').append(e.created()).append(',')
                    .append(e.expires() == null ? "" : e.expires().toString()).append('\n');
        }
        return b.toString();
    }

    private static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * An rbldnsd ip4set (IPv4) or ip6trie (IPv6) dataset: blacklisted addresses and ranges answer
     * 127.0.0.2 with the entry's reason as TXT; whitelisted ones are excluded ("!"), so that an
     * allowlisting here wins for the providers who use the list too. Expired entries are left out.
     */
    static String rbldnsd(List<ListEntry> entries, boolean ipv6, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Portcullis blacklist, exported ").append(Times.show(now)).append(" (").append(ipv6 ? "ip6trie" : "ip4set").append(")\n");
        b.append(":127.0.0.2:Listed by Portcullis").append(ipv6 ? "" : ": $").append('\n');
        for (ListEntry e : entries) {
            if (e.kind() != ListEntry.Kind.IP || e.expiredAt(now) || e.value().contains(":") != ipv6) {
                continue;
            }
            if (e.color() == ListEntry.Color.WHITE) {
                b.append('!').append(e.value()).append('\n');
            } else {
                String txt = e.reason().replaceAll("[\\r\\n:]", " ");
                b.append(e.value()).append(" :127.0.0.2:").append(txt).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The link list as an rbldnsd dnset: the domains spam reports showed advertised (and those an
     * admin listed with --link), each with its subdomains, answering 127.0.0.2 with the reason as
     * TXT; a whitelisted link domain is excluded ("!"). Served next to the address zone, it is a
     * URIBL for the providers who use it.
     */
    static String rbldnsdLinks(List<ListEntry> entries, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Portcullis link domains, exported ").append(Times.show(now)).append(" (dnset)\n");
        b.append(":127.0.0.2:Advertised in spam reported to Portcullis\n");
        for (ListEntry e : entries) {
            if (e.kind() != ListEntry.Kind.LINK || e.expiredAt(now)) {
                continue;
            }
            if (e.color() == ListEntry.Color.WHITE) {
                b.append('!').append(e.value()).append("\n!.").append(e.value()).append('\n');
            } else {
                String txt = e.reason().replaceAll("[\\r\\n:]", " ");
                b.append(e.value()).append(" :127.0.0.2:").append(txt).append("\n.").append(e.value()).append(" :127.0.0.2:").append(txt)
                        .append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The whitelist's address entries as an rbldnsd dataset of its own (a DNSWL: 127.0.0.2 means
     * "allowlisted by this provider"), for the providers who trust our allowlisting.
     */
    static String rbldnsdWhite(List<ListEntry> entries, boolean ipv6, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Portcullis whitelist, exported ").append(Times.show(now)).append(" (").append(ipv6 ? "ip6trie" : "ip4set").append(")\n");
        b.append(":127.0.0.2:Allowlisted by Portcullis").append('\n');
        for (ListEntry e : entries) {
            if (e.color() == ListEntry.Color.WHITE && e.kind() == ListEntry.Kind.IP && !e.expiredAt(now) && e.value().contains(":") == ipv6) {
                b.append(e.value()).append('\n');
            }
        }
        return b.toString();
    }
}
