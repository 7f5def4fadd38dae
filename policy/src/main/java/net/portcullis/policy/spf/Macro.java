package net.portcullis.policy.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Macro syntax and expansion, RFC 7208 section 7. */
final class Macro {
    /** What macros may refer to in one evaluation. */
    record Context(InetAddress ip, String sender, String domain, String helo, String receiver, PtrValidator validator) { }

    interface PtrValidator {
        String validatedName(InetAddress ip, String domain) throws SpfException;
    }

    private Macro() {
    }

    /** Checks macro-string syntax without expanding; returns the index where it stops being valid, or -1. */
    static void check(String s, boolean explanation) throws SpfException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 1 >= s.length()) {
                    throw SpfException.perm("'%' at the end of '" + s + "'");
                }
                char n = s.charAt(i + 1);
                if (n == '%' || n == '_' || n == '-') {
                    i++;
                    continue;
                }
                if (n != '{') {
                    throw SpfException.perm("invalid macro '%" + n + "' in '" + s + "'");
                }
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw SpfException.perm("unterminated macro in '" + s + "'");
                }
                parse(s.substring(i + 2, close), explanation);
                i = close;
            } else if (c < 0x21 || c > 0x7e) {
                if (!(explanation && c == ' ')) {
                    throw SpfException.perm("character " + (int) c + " not allowed in '" + s + "'");
                }
            }
        }
    }

    private record Spec(char letter, int digits, boolean reverse, String delimiters) { }

    private static Spec parse(String body, boolean explanation) throws SpfException {
        if (body.isEmpty()) {
            throw SpfException.perm("empty macro %{}");
        }
        char letter = body.charAt(0);
        String allowed = explanation ? "slodiphcrtvSLODIPHCRTV" : "slodiphvSLODIPHV";
        if (allowed.indexOf(letter) < 0) {
            throw SpfException.perm("invalid macro letter '" + letter + "'");
        }
        int i = 1;
        int start = i;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
        }
        int digits = 0;
        if (i > start) {
            String d = body.substring(start, i);
            if (d.length() > 3) {
                throw SpfException.perm("macro transformer too large: " + d);
            }
            digits = Integer.parseInt(d);
            if (digits == 0) {
                throw SpfException.perm("macro transformer 0 in %{" + body + "}");
            }
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delims = body.substring(i);
        for (char c : delims.toCharArray()) {
            if (".-+,/_=".indexOf(c) < 0) {
                throw SpfException.perm("invalid macro delimiter '" + c + "' in %{" + body + "}");
            }
        }
        return new Spec(letter, digits, reverse, delims.isEmpty() ? "." : delims);
    }

    static String expand(String s, Context ctx, boolean explanation) throws SpfException {
        check(s, explanation);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char n = s.charAt(i + 1);
            switch (n) {
                case '%' -> {
                    out.append('%');
                    i++;
                }
                case '_' -> {
                    out.append(' ');
                    i++;
                }
                case '-' -> {
                    out.append("%20");
                    i++;
                }
                default -> {
                    int close = s.indexOf('}', i);
                    Spec spec = parse(s.substring(i + 2, close), explanation);
                    String v = transform(value(Character.toLowerCase(spec.letter()), ctx), spec);
                    out.append(Character.isUpperCase(spec.letter()) ? urlEscape(v) : v);
                    i = close;
                }
            }
        }
        return out.toString();
    }

    private static String value(char letter, Context ctx) throws SpfException {
        String sender = ctx.sender();
        int at = sender.lastIndexOf('@');
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> at <= 0 ? "postmaster" : sender.substring(0, at);
            case 'o' -> at < 0 ? sender : sender.substring(at + 1);
            case 'd' -> ctx.domain();
            case 'i' -> dotted(ctx.ip());
            case 'p' -> ctx.validator().validatedName(ctx.ip(), ctx.domain());
            case 'h' -> ctx.helo() == null ? "" : ctx.helo();
            case 'v' -> ctx.ip() instanceof Inet4Address ? "in-addr" : "ip6";
            case 'c' -> readable(ctx.ip());
            case 'r' -> ctx.receiver() == null ? "unknown" : ctx.receiver();
            case 't' -> Long.toString(System.currentTimeMillis() / 1000);
            default -> throw SpfException.perm("invalid macro letter '" + letter + "'");
        };
    }

    /** %{c}: the address as people write it (RFC 5952 for IPv6: longest zero run as "::"). */
    static String readable(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return ip.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    /** %{i}: dotted quad for IPv4, 32 dot-separated nibbles for IPv6. */
    static String dotted(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return ip.getHostAddress();
        }
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (s.length() > 0) {
                s.append('.');
            }
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append('.').append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    private static String transform(String v, Spec spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (spec.delimiters().indexOf(c) >= 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        if (spec.reverse()) {
            Collections.reverse(parts);
        }
        if (spec.digits() > 0 && spec.digits() < parts.size()) {
            parts = parts.subList(parts.size() - spec.digits(), parts.size());
        }
        return String.join(".", parts);
    }

    private static String urlEscape(String v) {
        StringBuilder b = new StringBuilder();
        for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (Character.isLetterOrDigit(c) && c < 0x80 || "-._~".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }
}
