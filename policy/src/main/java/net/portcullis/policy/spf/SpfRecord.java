package net.portcullis.policy.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** A parsed "v=spf1" record: directives in order, and the redirect and exp modifiers (RFC 7208 4.6, 12). */
final class SpfRecord {
    record Directive(char qualifier, String mechanism, String domainSpec, byte[] network, int cidr4, int cidr6, String text) { }

    final List<Directive> directives = new ArrayList<>();
    String redirect;
    String exp;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern IP4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern DUAL_CIDR_SUFFIX = Pattern.compile("(.*?)(/[0-9]+(?://[0-9]+)?|//[0-9]+)?", Pattern.DOTALL);
    private static final Pattern CIDR = Pattern.compile("0|[1-9]\\d{0,2}");
    private static final Pattern TOPLABEL = Pattern.compile("(?i)[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9][a-z0-9-]*-[a-z0-9-]*[a-z0-9]");

    /** True for a record this check must read: "v=spf1" alone or followed by a space. */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    static SpfRecord parse(String txt) throws SpfException {
        SpfRecord r = new SpfRecord();
        for (String term : txt.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            int eq = term.indexOf('=');
            if (eq > 0 && NAME.matcher(term.substring(0, eq)).matches()) {
                r.modifier(term.substring(0, eq).toLowerCase(Locale.ROOT), term.substring(eq + 1), term);
            } else {
                r.directives.add(directive(term));
            }
        }
        return r;
    }

    private void modifier(String name, String value, String term) throws SpfException {
        switch (name) {
            case "redirect" -> {
                if (redirect != null) {
                    throw SpfException.perm("redirect appears twice");
                }
                checkDomainSpec(value, term);
                redirect = value;
            }
            case "exp" -> {
                if (exp != null) {
                    throw SpfException.perm("exp appears twice");
                }
                checkDomainSpec(value, term);
                exp = value;
            }
            default -> Macro.check(value, false); // unknown modifiers are ignored, but must be well-formed
        }
    }

    private static Directive directive(String term) throws SpfException {
        char q = '+';
        String t = term;
        if ("+-~?".indexOf(t.charAt(0)) >= 0) {
            q = t.charAt(0);
            t = t.substring(1);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        String mech = lower.split("[:/]", 2)[0];
        String rest = t.substring(mech.length());
        switch (mech) {
            case "all" -> {
                if (!rest.isEmpty()) {
                    throw SpfException.perm("'" + term + "': all takes no arguments");
                }
                return new Directive(q, mech, null, null, 32, 128, term);
            }
            case "include", "exists" -> {
                if (!rest.startsWith(":")) {
                    throw SpfException.perm("'" + term + "': " + mech + " needs a domain");
                }
                String spec = rest.substring(1);
                checkDomainSpec(spec, term);
                return new Directive(q, mech, spec, null, 32, 128, term);
            }
            case "a", "mx", "ptr" -> {
                String spec = null;
                String cidr = "";
                if (rest.startsWith(":")) {
                    // A domain-spec may hold any visible character but a bare '%' (RFC 7208 7.1),
                    // ':' and '/' included: the prefix lengths are only a trailing "/n", "//n" or
                    // "/n//n" ("a:foo:bar/baz.example.com" is one name).
                    java.util.regex.Matcher m = DUAL_CIDR_SUFFIX.matcher(rest.substring(1));
                    m.matches();
                    spec = m.group(1);
                    cidr = m.group(2) == null ? "" : m.group(2);
                    checkDomainSpec(spec, term);
                } else {
                    cidr = rest;
                }
                if (mech.equals("ptr") && !cidr.isEmpty()) {
                    throw SpfException.perm("'" + term + "': ptr takes no prefix length");
                }
                int[] c = dualCidr(cidr, term);
                return new Directive(q, mech, spec, null, c[0], c[1], term);
            }
            case "ip4" -> {
                if (!rest.startsWith(":")) {
                    throw SpfException.perm("'" + term + "': ip4 needs an address");
                }
                String v = rest.substring(1);
                int slash = v.indexOf('/');
                String addr = slash < 0 ? v : v.substring(0, slash);
                int len = slash < 0 ? 32 : cidr(v.substring(slash + 1), 32, term);
                if (!IP4.matcher(addr).matches()) {
                    throw SpfException.perm("'" + term + "': not an IPv4 address");
                }
                return new Directive(q, mech, null, bytes(addr), len, 128, term);
            }
            case "ip6" -> {
                if (!rest.startsWith(":")) {
                    throw SpfException.perm("'" + term + "': ip6 needs an address");
                }
                String v = rest.substring(1);
                int slash = v.indexOf('/');
                String addr = slash < 0 ? v : v.substring(0, slash);
                int len = slash < 0 ? 128 : cidr(v.substring(slash + 1), 128, term);
                if (!addr.contains(":") || !addr.matches("[0-9A-Fa-f:.]+")) {
                    throw SpfException.perm("'" + term + "': not an IPv6 address");
                }
                byte[] b = bytes(addr);
                if (b.length == 4) { // Java reads ::ffff:a.b.c.d as IPv4; an ip6 network stays IPv6
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xff;
                    mapped[11] = (byte) 0xff;
                    System.arraycopy(b, 0, mapped, 12, 4);
                    b = mapped;
                }
                if (b.length != 16) {
                    throw SpfException.perm("'" + term + "': not an IPv6 address");
                }
                return new Directive(q, mech, null, b, 32, len, term);
            }
            default -> throw SpfException.perm("unknown mechanism '" + term + "'");
        }
    }

    private static int[] dualCidr(String s, String term) throws SpfException {
        int v4 = 32;
        int v6 = 128;
        if (s.isEmpty()) {
            return new int[] {v4, v6};
        }
        if (!s.startsWith("/")) {
            throw SpfException.perm("'" + term + "': unexpected text after the domain");
        }
        String body = s.substring(1);
        int dbl = body.indexOf("//");
        if (body.startsWith("/")) { // "//n": IPv6 length only
            v6 = cidr(body.substring(1), 128, term);
        } else if (dbl >= 0) {
            v4 = cidr(body.substring(0, dbl), 32, term);
            v6 = cidr(body.substring(dbl + 2), 128, term);
        } else {
            v4 = cidr(body, 32, term);
        }
        return new int[] {v4, v6};
    }

    private static int cidr(String s, int max, String term) throws SpfException {
        if (!CIDR.matcher(s).matches() || Integer.parseInt(s) > max) {
            throw SpfException.perm("'" + term + "': invalid prefix length '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    private static byte[] bytes(String addr) throws SpfException {
        try {
            return InetAddress.getByName(addr).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw SpfException.perm("'" + addr + "' is not an address");
        }
    }

    /** domain-spec = macro-string domain-end (RFC 7208 7.1): a toplabel after a dot, or a final macro. */
    static void checkDomainSpec(String spec, String term) throws SpfException {
        if (spec.isEmpty()) {
            throw SpfException.perm("'" + term + "': empty domain");
        }
        Macro.check(spec, false);
        if (spec.endsWith("}")) {
            return;
        }
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = s.lastIndexOf('.');
        if (dot < 0 || s.lastIndexOf('}') > dot) {
            if (dot < 0) {
                throw SpfException.perm("'" + term + "': domain '" + spec + "' has no top label");
            }
        }
        String top = s.substring(dot + 1);
        if (!TOPLABEL.matcher(top).matches()) {
            throw SpfException.perm("'" + term + "': invalid top label '" + top + "'");
        }
    }
}
