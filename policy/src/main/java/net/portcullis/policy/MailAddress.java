package net.portcullis.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * An envelope address (RFC 5321 Path) as the client sent it, split into local part and domain.
 * Parsing is strict on purpose: every form that historic mail software interpreted as "route
 * this elsewhere" is reported as a {@link Problem.Kind#ROUTING_TRICK}, so that a gateway
 * accepting mail for its own domains cannot be made to relay through the server behind it.
 */
public record MailAddress(String localPart, String domain) {

    public MailAddress {
        Objects.requireNonNull(localPart);
        domain = domain == null ? null : domain.toLowerCase(Locale.ROOT);
    }

    /** What is wrong with an address: a syntax error (501 5.1.3) or a routing trick (550 5.7.1). */
    public record Problem(Kind kind, String reason) {
        public enum Kind { SYNTAX, ROUTING_TRICK }
    }

    public static final class InvalidAddress extends Exception {
        private final Problem problem;

        InvalidAddress(Problem.Kind kind, String reason) {
            super(reason, null, false, false);
            this.problem = new Problem(kind, reason);
        }

        public Problem problem() {
            return problem;
        }
    }

    /** The RFC 5321 special case: {@code RCPT TO:<Postmaster>} without a domain must be accepted. */
    public boolean isBarePostmaster() {
        return domain == null;
    }

    /**
     * An address literal for a domain ({@code user@[192.0.2.1]}, {@code user@[IPv6:2001:db8::1]}): valid
     * RFC 5321 syntax (4.1.3), so not a syntax error; policy decides (a recipient literal is a routing trick).
     */
    public boolean isAddressLiteral() {
        return domain != null && domain.startsWith("[");
    }

    /** True when the local part or the domain holds non-ASCII characters (needs SMTPUTF8). */
    public boolean hasUtf8() {
        return !isAscii(localPart) || domain != null && !isAscii(domain);
    }

    /** True when the text holds only ASCII characters. */
    public static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * The domain in its ASCII (A-label) form, for comparisons with our domains and for DNS:
     * {@code bücher.example} and {@code xn--bcher-kva.example} are the same domain (IDNA, RFC 5890).
     */
    public String asciiDomain() {
        return domain == null ? null : asciiDomain(domain);
    }

    /** A domain in its lower-case A-label form; as it is when it is not a valid internationalized name. */
    public static String asciiDomain(String domain) {
        if (isAscii(domain)) {
            return domain.toLowerCase(Locale.ROOT);
        }
        try {
            return java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }

    public String address() {
        return domain == null ? localPart : localPart + "@" + domain;
    }

    @Override
    public String toString() {
        return address();
    }

    /** A path without its angle brackets ({@code <a@b>} → {@code a@b}), trimmed; "" for null. */
    public static String bare(String path) {
        String p = path == null ? "" : path.trim();
        return p.startsWith("<") && p.endsWith(">") && p.length() >= 2 ? p.substring(1, p.length() - 1) : p;
    }

    /**
     * Parses the text between the angle brackets of MAIL FROM or RCPT TO.
     *
     * @throws InvalidAddress with the reason in plain words
     */
    public static MailAddress parse(String path) throws InvalidAddress {
        String p = bare(path).trim();
        if (p.isEmpty()) {
            throw syntax("empty address");
        }
        if (p.startsWith("@")) {
            throw trick("source routes (@host:user@domain) are not accepted");
        }
        String local;
        String domain;
        if (p.startsWith("\"")) {
            int end = closingQuote(p);
            String quoted = p.substring(1, end);
            if (quoted.indexOf('@') >= 0 || quoted.indexOf('%') >= 0 || quoted.indexOf('!') >= 0) {
                throw trick("a quoted local part holding '@', '%' or '!' is not accepted");
            }
            for (int i = 0; i < quoted.length(); i++) {
                char c = quoted.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw syntax("control character in quoted local part");
                }
            }
            local = p.substring(0, end + 1);
            String rest = p.substring(end + 1);
            if (rest.isEmpty()) {
                throw syntax("address has no domain");
            }
            if (rest.charAt(0) != '@') {
                throw syntax("unexpected text after quoted local part");
            }
            domain = rest.substring(1);
            if (domain.indexOf('@') >= 0) {
                throw trick("an address with more than one '@' is not accepted");
            }
        } else {
            int at = p.lastIndexOf('@');
            if (at < 0) {
                if (p.equalsIgnoreCase("postmaster")) {
                    return new MailAddress(p, null);
                }
                throw syntax("address has no domain");
            }
            local = p.substring(0, at);
            domain = p.substring(at + 1);
            if (local.indexOf('@') >= 0) {
                throw trick("an address with more than one '@' is not accepted");
            }
            checkDotAtom(local);
        }
        checkDomain(domain);
        if (!isAscii(domain)) {
            try {
                java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                throw syntax("domain is not a valid internationalized domain name");
            }
        }
        return new MailAddress(local, domain);
    }

    private static int closingQuote(String p) throws InvalidAddress {
        for (int i = 1; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        throw syntax("unterminated quoted local part");
    }

    private static void checkDotAtom(String local) throws InvalidAddress {
        if (local.isEmpty()) {
            throw syntax("empty local part");
        }
        if (local.indexOf('%') >= 0) {
            throw trick("'%' in the local part (the percent hack) is not accepted");
        }
        if (local.indexOf('!') >= 0) {
            throw trick("'!' in the local part (a UUCP bang path) is not accepted");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw syntax("local part has a misplaced dot");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean ok = c >= 0x80 // SMTPUTF8 (RFC 6531) local parts
                    || Character.isLetterOrDigit(c) && c < 0x80
                    || "!#$&'*+/=?^_`{|}~-.".indexOf(c) >= 0;
            if (!ok) {
                throw syntax("character '" + printable(c) + "' is not allowed in an unquoted local part");
            }
        }
        if (local.length() > 64) {
            throw syntax("local part longer than 64 octets");
        }
    }

    private static void checkDomain(String domain) throws InvalidAddress {
        if (domain.isEmpty()) {
            throw syntax("address has an empty domain");
        }
        if (domain.startsWith("[")) {
            checkLiteral(domain);
            return;
        }
        if (domain.endsWith(".")) {
            throw trick("a domain with a trailing dot is not accepted");
        }
        if (domain.length() > 253) {
            throw syntax("domain longer than 253 octets");
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw syntax("domain has an empty label");
            }
            if (label.length() > 63) {
                throw syntax("domain label longer than 63 octets");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw syntax("domain label starts or ends with '-'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 0x80 || (Character.isLetterOrDigit(c) && c < 0x80) || c == '-';
                if (!ok) {
                    throw syntax("character '" + printable(c) + "' is not allowed in a domain");
                }
            }
        }
    }

    /** RFC 5321 4.1.3: [IPv4] or [IPv6:address]; a general literal (tag:content) names no host we can reach. */
    private static void checkLiteral(String domain) throws InvalidAddress {
        if (!domain.endsWith("]") || domain.length() < 3) {
            throw syntax("unterminated address literal");
        }
        String inner = domain.substring(1, domain.length() - 1);
        boolean v6 = inner.regionMatches(true, 0, "IPv6:", 0, 5);
        String ip = v6 ? inner.substring(5) : inner;
        boolean shape = v6 ? ip.matches("[0-9A-Fa-f:.]{2,45}") && ip.contains(":")
                : ip.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        if (!shape) {
            throw syntax("address literal [" + inner + "] is neither an IPv4 nor an IPv6: address");
        }
        if (v6) {
            try {
                net.portcullis.rules.Network.address(ip);
            } catch (IllegalArgumentException e) {
                throw syntax("address literal [" + inner + "] is not a valid IPv6 address");
            }
        }
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }

    private static InvalidAddress syntax(String reason) {
        return new InvalidAddress(Problem.Kind.SYNTAX, reason);
    }

    private static InvalidAddress trick(String reason) {
        return new InvalidAddress(Problem.Kind.ROUTING_TRICK, reason);
    }
}
