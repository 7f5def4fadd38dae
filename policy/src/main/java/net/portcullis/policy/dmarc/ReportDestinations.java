package net.portcullis.policy.dmarc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;

/**
 * Where a domain wants its aggregate reports: its DMARC record (at _dmarc.FROM, else at its
 * organizational domain, RFC 7489 6.6.3) read now, its {@code rua=} mailto: addresses, each with
 * its size limit ({@code !10m}), and for an address outside the policy domain's organization the
 * external-destination check (RFC 7489 7.1): the destination must publish
 * {@code POLICYDOMAIN._report._dmarc.DESTDOMAIN} TXT "v=DMARC1", or it gets nothing.
 * {@code ruf=} is never read: we send no failure reports (privacy; BSI TR-03182).
 */
public final class ReportDestinations {
    /** @param maxBytes the destination's size limit, or Long.MAX_VALUE */
    public record Destination(String address, long maxBytes) { }

    /** A destination left out, and why (for --dry-run and the log). */
    public record Refused(String address, String why) { }

    /** What the domain publishes: null published when it has no usable record now. */
    public record Found(DmarcAggregate.Published published, List<Destination> destinations, List<Refused> refused) { }

    private ReportDestinations() {
    }

    public static Found of(Dns dns, String fromDomain) {
        String policyDomain = fromDomain;
        Map<String, String> tags = record(dns, fromDomain);
        if (tags == null) {
            policyDomain = OrgDomains.of(fromDomain);
            tags = policyDomain.equals(fromDomain) ? null : record(dns, policyDomain);
        }
        if (tags == null || !List.of("none", "quarantine", "reject").contains(tags.getOrDefault("p", ""))) {
            return new Found(null, List.of(), List.of());
        }
        String p = tags.get("p");
        String sp = tags.getOrDefault("sp", p);
        int pct;
        try {
            pct = Math.max(0, Math.min(100, Integer.parseInt(tags.getOrDefault("pct", "100"))));
        } catch (NumberFormatException e) {
            pct = 100;
        }
        var published = new DmarcAggregate.Published(policyDomain, "s".equals(tags.get("adkim")) ? "s" : "r",
                "s".equals(tags.get("aspf")) ? "s" : "r", p, List.of("none", "quarantine", "reject").contains(sp) ? sp : p, pct,
                tags.getOrDefault("fo", "0"));
        List<Destination> ok = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        for (String uri : tags.getOrDefault("rua", "").split(",")) {
            String u = uri.strip();
            if (u.isEmpty()) {
                continue;
            }
            if (!u.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
                refused.add(new Refused(u, "only mailto: destinations are supported"));
                continue;
            }
            String addr = u.substring(7);
            long max = Long.MAX_VALUE;
            int bang = addr.indexOf('!');
            if (bang >= 0) {
                max = size(addr.substring(bang + 1));
                addr = addr.substring(0, bang);
            }
            addr = java.net.URLDecoder.decode(addr, java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            int at = addr.lastIndexOf('@');
            if (at <= 0 || !addr.substring(at + 1).contains(".")) {
                refused.add(new Refused(addr, "not an address"));
                continue;
            }
            String destDomain = addr.substring(at + 1);
            if (!OrgDomains.of(destDomain).equals(OrgDomains.of(policyDomain)) && !authorizes(dns, policyDomain, destDomain)) {
                refused.add(new Refused(addr, "outside " + policyDomain + " and " + policyDomain + "._report._dmarc." + destDomain
                        + " does not authorize it (RFC 7489 7.1)"));
                continue;
            }
            ok.add(new Destination(addr, max));
        }
        return new Found(published, List.copyOf(ok), List.copyOf(refused));
    }

    private static boolean authorizes(Dns dns, String policyDomain, String destDomain) {
        DnsAnswer a = dns.lookup(policyDomain + "._report._dmarc." + destDomain, "TXT");
        return a.values().stream().anyMatch(v -> v.replace("\"", "").strip().toLowerCase(Locale.ROOT).startsWith("v=dmarc1"));
    }

    /** The tags of the one v=DMARC1 record at _dmarc.DOMAIN, or null. */
    private static Map<String, String> record(Dns dns, String domain) {
        DnsAnswer a = dns.lookup("_dmarc." + domain, "TXT");
        List<String> records = a.values().stream().map(v -> v.replace("\"", "").strip())
                .filter(v -> v.toLowerCase(Locale.ROOT).startsWith("v=dmarc1")).toList();
        if (records.size() != 1) {
            return null;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : records.get(0).split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            }
        }
        tags.computeIfPresent("p", (k, v) -> v.toLowerCase(Locale.ROOT));
        tags.computeIfPresent("sp", (k, v) -> v.toLowerCase(Locale.ROOT));
        tags.computeIfPresent("adkim", (k, v) -> v.toLowerCase(Locale.ROOT));
        tags.computeIfPresent("aspf", (k, v) -> v.toLowerCase(Locale.ROOT));
        return tags;
    }

    /** A size limit as rua writes it: digits and an optional k, m, g or t (RFC 7489 6.2). */
    static long size(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})([kmgt]?)", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(s.strip());
        if (!m.matches()) {
            return Long.MAX_VALUE;
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return shift >= 40 && n > (Long.MAX_VALUE >> 40) ? Long.MAX_VALUE : n << shift;
    }
}
