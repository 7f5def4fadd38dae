package net.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.portcullis.gateway.session.Refusals;
import net.portcullis.rules.Reply;

/**
 * The ESMTP parameters of a MAIL or RCPT command (RFC 5321 4.1.2 esmtp-param), checked against
 * what we advertised: malformed is 501 5.5.4, not advertised is 555 5.5.4, a SIZE over our limit
 * is 552 5.3.4. What passes is kept as the client wrote it, to be passed on unchanged.
 */
final class EsmtpParameters {
    /** The client's parameters were refused; the reply says why. */
    static final class Refused extends Exception {
        final Reply reply;

        Refused(Reply reply) {
            super(reply.text(), null, false, false);
            this.reply = reply;
        }
    }

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    /** esmtp-value: any printable ASCII but '=' and SP; UTF-8 too under SMTPUTF8 (RFC 6531 3.3). */
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x3c\\x3e-\\x7e\\x{80}-\\x{10FFFF}]+");
    private static final Pattern XTEXT = Pattern.compile("([\\x21-\\x2a\\x2c-\\x3c\\x3e-\\x7e]|\\+[0-9A-F]{2})+");

    private final Map<String, String> values;
    private final List<String> raw;

    private EsmtpParameters(Map<String, String> values, List<String> raw) {
        this.values = values;
        this.raw = raw;
    }

    static final EsmtpParameters NONE = new EsmtpParameters(Map.of(), List.of());

    boolean has(String keyword) {
        return values.containsKey(keyword);
    }

    /** The parameters to pass on: as the client wrote them, less those in {@code drop}. */
    String passOn(Set<String> drop) {
        List<String> out = new ArrayList<>();
        for (String p : raw) {
            String k = p.split("=", 2)[0].toUpperCase(Locale.ROOT);
            if (!drop.contains(k)) {
                out.add(p);
            }
        }
        return String.join(" ", out);
    }

    /** The parameters of MAIL FROM. */
    static EsmtpParameters mail(String text, Set<String> offered, long maxSize) throws Refused {
        EsmtpParameters p = parse(text);
        for (Map.Entry<String, String> e : p.values.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "SIZE" -> {
                    need(offered, "SIZE");
                    if (v == null || !v.matches("[0-9]+")) {
                        throw syntax("SIZE needs a number of octets");
                    }
                    if (v.length() > 18 || Long.parseLong(v) > maxSize) {
                        throw new Refused(Refusals.tooBig(maxSize));
                    }
                }
                case "BODY" -> {
                    need(offered, "8BITMIME");
                    if (v == null || !(v.equalsIgnoreCase("7BIT") || v.equalsIgnoreCase("8BITMIME"))) {
                        throw syntax("BODY must be 7BIT or 8BITMIME");
                    }
                }
                case "SMTPUTF8" -> {
                    need(offered, "SMTPUTF8");
                    if (v != null) {
                        throw syntax("SMTPUTF8 takes no value");
                    }
                }
                case "RET" -> {
                    need(offered, "DSN");
                    if (v == null || !(v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"))) {
                        throw syntax("RET must be FULL or HDRS");
                    }
                }
                case "ENVID" -> {
                    need(offered, "DSN");
                    if (v == null || v.length() > 100 || !XTEXT.matcher(v).matches()) {
                        throw syntax("ENVID must be xtext of at most 100 characters");
                    }
                }
                case "AUTH" -> {
                    need(offered, "AUTH");
                    if (v == null || !(v.equals("<>") || XTEXT.matcher(v).matches())) {
                        throw syntax("AUTH must be <> or xtext");
                    }
                }
                default -> throw notOffered(k);
            }
        }
        return p;
    }

    /** The parameters of RCPT TO. */
    static EsmtpParameters rcpt(String text, Set<String> offered) throws Refused {
        EsmtpParameters p = parse(text);
        for (Map.Entry<String, String> e : p.values.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "NOTIFY" -> {
                    need(offered, "DSN");
                    if (v == null || !validNotify(v)) {
                        throw syntax("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
                    }
                }
                case "ORCPT" -> {
                    need(offered, "DSN");
                    int semi = v == null ? -1 : v.indexOf(';');
                    if (semi <= 0 || !KEYWORD.matcher(v.substring(0, semi)).matches()
                            || !XTEXT.matcher(v.substring(semi + 1)).matches() && !offered.contains("SMTPUTF8")) {
                        throw syntax("ORCPT must be addr-type;xtext");
                    }
                }
                default -> throw notOffered(k);
            }
        }
        return p;
    }

    private static boolean validNotify(String v) {
        String[] parts = v.toUpperCase(Locale.ROOT).split(",", -1);
        if (parts.length == 1 && parts[0].equals("NEVER")) {
            return true;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String s : parts) {
            if (!Set.of("SUCCESS", "FAILURE", "DELAY").contains(s) || !seen.add(s)) {
                return false;
            }
        }
        return true;
    }

    private static EsmtpParameters parse(String text) throws Refused {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new EsmtpParameters(values, raw);
        }
        for (String token : text.strip().split(" +")) {
            int eq = token.indexOf('=');
            String k = eq < 0 ? token : token.substring(0, eq);
            String v = eq < 0 ? null : token.substring(eq + 1);
            if (!KEYWORD.matcher(k).matches() || v != null && !VALUE.matcher(v).matches()) {
                throw syntax("malformed parameter");
            }
            String key = k.toUpperCase(Locale.ROOT);
            if (values.containsKey(key)) {
                throw syntax("parameter " + key + " given twice");
            }
            values.put(key, v);
            raw.add(token);
        }
        return new EsmtpParameters(values, raw);
    }

    private static void need(Set<String> offered, String ext) throws Refused {
        if (!offered.contains(ext)) {
            throw notOffered(ext);
        }
    }

    private static Refused syntax(String why) {
        return new Refused(new Reply(501, "5.5.4", "Syntax error in parameters: " + why));
    }

    private static Refused notOffered(String keyword) {
        return new Refused(Reply.sanitized(555, "5.5.4", "Unsupported parameter " + keyword));
    }
}
