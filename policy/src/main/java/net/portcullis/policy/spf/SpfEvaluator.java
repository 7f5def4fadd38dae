package net.portcullis.policy.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;

/**
 * check_host() of RFC 7208 on the gateway's resolver: every mechanism and modifier, macros, the
 * limits of 10 DNS-querying terms and 2 void lookups, include and redirect, exp. Written here
 * because the Java SPF libraries on Maven Central are unmaintained or unresolvable (Apache
 * jSPF 1.0.4 depends on an artifact no longer served); the RFC's test suite is the judge.
 */
public final class SpfEvaluator {
    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LIMIT = 2;
    static final int MX_LIMIT = 10;
    static final int PTR_LIMIT = 10;

    private final Dns dns;
    private final String receiver;

    public SpfEvaluator(Dns dns, String receiver) {
        this.dns = dns;
        this.receiver = receiver;
    }

    /** One evaluation's counters, shared by include and redirect (the limits are per check_host tree). */
    private static final class State {
        int lookups;
        int voids;
    }

    /**
     * @param sender the MAIL FROM address, or "postmaster@" + HELO for the HELO identity
     */
    public SpfResult checkHost(InetAddress ip, String domain, String sender, String helo) {
        InetAddress client = net.portcullis.rules.Networks.unmapped(ip);
        if (!validDomain(domain)) {
            return SpfResult.none(domain, "'" + domain + "' is not a valid multi-label domain name");
        }
        try {
            return evaluate(client, domain.toLowerCase(Locale.ROOT), sender, helo, new State(), 0);
        } catch (SpfException e) {
            return new SpfResult(e.result, domain, "", "", e.getMessage());
        } catch (RuntimeException e) {
            // a record we failed to take apart is a malformed record (RFC 7208 2.6.7), not a tempfail
            return new SpfResult("permerror", domain, "", "", "record unreadable: " + e);
        }
    }

    private SpfResult evaluate(InetAddress ip, String domain, String sender, String helo, State st, int depth)
            throws SpfException {
        String txt = record(domain);
        if (txt == null) {
            return SpfResult.none(domain, "no SPF record at " + domain);
        }
        SpfRecord rec = SpfRecord.parse(txt);
        Macro.Context ctx = new Macro.Context(ip, sender, domain, helo, receiver, this::validatedName);
        for (SpfRecord.Directive d : rec.directives) {
            if (matches(d, ip, ctx, st, depth)) {
                String result = switch (d.qualifier()) {
                    case '-' -> "fail";
                    case '~' -> "softfail";
                    case '?' -> "neutral";
                    default -> "pass";
                };
                String explanation = result.equals("fail") && rec.exp != null ? explain(rec.exp, ctx) : "";
                return new SpfResult(result, domain, d.text(), explanation,
                        "'" + d.text() + "' matched " + ip.getHostAddress() + " in \"" + txt + "\"");
            }
        }
        if (rec.redirect != null) {
            count(st);
            String target = expandDomain(rec.redirect, ctx);
            if (!validDomain(target)) {
                throw SpfException.perm("redirect=" + target + " is not a valid domain");
            }
            SpfResult r = evaluate(ip, target, sender, helo, st, depth + 1);
            if (r.result().equals("none")) {
                throw SpfException.perm("redirect=" + target + " has no SPF record");
            }
            return r;
        }
        return new SpfResult("neutral", domain, "", "", "no mechanism matched " + ip.getHostAddress() + " in \"" + txt + "\"");
    }

    /** The one v=spf1 record at a name; null for none. */
    private String record(String domain) throws SpfException {
        DnsAnswer a = dns.lookup(domain, "TXT");
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw SpfException.temp("TXT " + domain + ": " + a.detail());
        }
        List<String> spf = new ArrayList<>();
        for (String v : a.values()) {
            if (SpfRecord.isSpf(v)) {
                spf.add(v);
            }
        }
        if (spf.size() > 1) {
            throw SpfException.perm(domain + " publishes " + spf.size() + " SPF records");
        }
        if (!spf.isEmpty()) {
            for (char c : spf.get(0).toCharArray()) {
                if (c > 0x7e || (c < 0x20)) {
                    throw SpfException.perm("non-ASCII or control character in the SPF record of " + domain);
                }
            }
        }
        return spf.isEmpty() ? null : spf.get(0);
    }

    private boolean matches(SpfRecord.Directive d, InetAddress ip, Macro.Context ctx, State st, int depth) throws SpfException {
        switch (d.mechanism()) {
            case "all" -> {
                return true;
            }
            case "ip4", "ip6" -> {
                return inNetwork(ip, d.network(), d.mechanism().equals("ip4") ? d.cidr4() : d.cidr6());
            }
            case "include" -> {
                count(st);
                String target = expandDomain(d.domainSpec(), ctx);
                if (depth > 20) {
                    throw SpfException.perm("include nesting too deep");
                }
                SpfResult r = validDomain(target) ? evaluate(ip, target, ctx.sender(), ctx.helo(), st, depth + 1)
                        : SpfResult.none(target, "invalid domain");
                return switch (r.result()) {
                    case "pass" -> true;
                    case "fail", "softfail", "neutral" -> false;
                    case "temperror" -> throw SpfException.temp("include:" + target + ": " + r.detail());
                    default -> throw SpfException.perm("include:" + target + " gave " + r.result() + ": " + r.detail());
                };
            }
            case "a" -> {
                count(st);
                String target = d.domainSpec() == null ? ctx.domain() : expandDomain(d.domainSpec(), ctx);
                return addressMatch(target, ip, d, st);
            }
            case "mx" -> {
                count(st);
                String target = d.domainSpec() == null ? ctx.domain() : expandDomain(d.domainSpec(), ctx);
                DnsAnswer mx = query(target, "MX", st);
                if (mx.values().size() > MX_LIMIT) {
                    throw SpfException.perm(target + " has more than " + MX_LIMIT + " MX records");
                }
                for (String v : mx.values()) {
                    String host = v.contains(" ") ? v.substring(v.indexOf(' ') + 1) : v;
                    if (host.isEmpty() || host.equals(".")) {
                        continue; // null MX (RFC 7505)
                    }
                    if (addressMatch(host, ip, d, null)) { // MX hosts' own look-ups are not void-counted
                        return true;
                    }
                }
                return false;
            }
            case "ptr" -> {
                count(st);
                String target = d.domainSpec() == null ? ctx.domain() : expandDomain(d.domainSpec(), ctx);
                for (String name : validatedNames(ip, st)) {
                    if (isSubdomain(name, target)) {
                        return true;
                    }
                }
                return false;
            }
            case "exists" -> {
                count(st);
                String target = expandDomain(d.domainSpec(), ctx);
                return !query(target, "A", st).values().isEmpty();
            }
            default -> throw SpfException.perm("unknown mechanism " + d.mechanism());
        }
    }

    private boolean addressMatch(String host, InetAddress ip, SpfRecord.Directive d, State st) throws SpfException {
        boolean v4 = ip instanceof Inet4Address;
        DnsAnswer a = st == null ? dns.lookup(host, v4 ? "A" : "AAAA") : query(host, v4 ? "A" : "AAAA", st);
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw SpfException.temp((v4 ? "A " : "AAAA ") + host + ": " + a.detail());
        }
        for (String v : a.values()) {
            byte[] b;
            try {
                b = InetAddress.getByName(v).getAddress();
            } catch (java.net.UnknownHostException e) {
                continue;
            }
            if (inNetwork(ip, b, v4 ? d.cidr4() : d.cidr6())) {
                return true;
            }
        }
        return false;
    }

    /** A lookup for a mechanism: temporary failures abort, void answers are counted (RFC 7208 4.6.4). */
    private DnsAnswer query(String name, String type, State st) throws SpfException {
        DnsAnswer a = dns.lookup(name, type);
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw SpfException.temp(type + " " + name + ": " + a.detail());
        }
        if (a.values().isEmpty()) {
            st.voids++;
            if (st.voids > VOID_LIMIT) {
                throw SpfException.perm("more than " + VOID_LIMIT + " void DNS lookups");
            }
        }
        return a;
    }

    private static void count(State st) throws SpfException {
        st.lookups++;
        if (st.lookups > LOOKUP_LIMIT) {
            throw SpfException.perm("more than " + LOOKUP_LIMIT + " DNS-querying terms");
        }
    }

    /** PTR names of the address whose own A/AAAA records lead back to it (at most 10 looked at). */
    private List<String> validatedNames(InetAddress ip, State st) throws SpfException {
        DnsAnswer ptr = st == null ? dns.ptr(ip) : query(net.portcullis.policy.dns.ReverseNames.of(ip), "PTR", st);
        if (ptr.status() == DnsAnswer.Status.TEMPFAIL) {
            throw SpfException.temp("PTR of " + ip.getHostAddress() + ": " + ptr.detail());
        }
        List<String> out = new ArrayList<>();
        boolean v4 = ip instanceof Inet4Address;
        for (String name : ptr.values().subList(0, Math.min(PTR_LIMIT, ptr.values().size()))) {
            DnsAnswer a = dns.lookup(name, v4 ? "A" : "AAAA");
            for (String v : a.values()) {
                try {
                    if (java.util.Arrays.equals(InetAddress.getByName(v).getAddress(), ip.getAddress())) {
                        out.add(name.toLowerCase(Locale.ROOT));
                        break;
                    }
                } catch (java.net.UnknownHostException ignored) {
                    // not an address: not a confirmation
                }
            }
        }
        return out;
    }

    /** %{p}: a validated name under the domain if there is one, any validated name, or "unknown". */
    private String validatedName(InetAddress ip, String domain) {
        try {
            List<String> names = validatedNames(ip, null);
            for (String n : names) {
                if (isSubdomain(n, domain)) {
                    return n;
                }
            }
            return names.isEmpty() ? "unknown" : names.get(0);
        } catch (SpfException e) {
            return "unknown";
        }
    }

    private String explain(String exp, Macro.Context ctx) {
        try {
            String target = expandDomain(exp, ctx);
            DnsAnswer a = dns.lookup(target, "TXT");
            if (a.values().size() != 1) {
                return "";
            }
            return Macro.expand(a.values().get(0), ctx, true);
        } catch (SpfException e) {
            return ""; // a broken explanation is ignored (RFC 7208 6.2)
        }
    }

    /** Expands a domain-spec; over 253 octets, labels are dropped from the left (RFC 7208 7.3). */
    private static String expandDomain(String spec, Macro.Context ctx) throws SpfException {
        String d = Macro.expand(spec, ctx, false);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        while (d.length() > 253 && d.indexOf('.') >= 0) {
            d = d.substring(d.indexOf('.') + 1);
        }
        return d.toLowerCase(Locale.ROOT);
    }

    static boolean validDomain(String domain) {
        if (domain == null) {
            return false;
        }
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty() || d.length() > 253 || !d.contains(".")) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            // a domain literal ("[192.0.2.1]") or other characters no DNS name has: malformed, so "none"
            if (label.isEmpty() || label.length() > 63 || !label.matches("[A-Za-z0-9_-]+")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSubdomain(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(d) || n.endsWith("." + d);
    }

    private static boolean inNetwork(InetAddress ip, byte[] network, int bits) {
        byte[] a = ip.getAddress();
        if (network == null || a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            int mask = (0xff << (8 - keep)) & 0xff;
            if ((a[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
