package net.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The addresses of an RFC 5322 address-list header (From, Sender): display names, quoted
 * strings, comments and groups taken apart leniently, since hostile mail is rarely well formed.
 */
public final class Addresses {
    public record Mailbox(String display, String address) {
        public String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        }
    }

    private Addresses() {
    }

    private static final java.util.regex.Pattern LOCAL = java.util.regex.Pattern.compile(
            "[^\\s<>()\\[\\]:;@\\\\,\"]+|\"([^\"\\\\]|\\\\.)*\"");
    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile(
            "[a-z0-9\\u0080-\\uffff]([a-z0-9\\u0080-\\uffff-]*[a-z0-9\\u0080-\\uffff])?");

    /**
     * The RFC5322.From domain DMARC works on: the domain of the single address of the single From
     * field, or null when there is not exactly one address, or its domain is not a syntactically
     * valid domain name (RFC 7489 6.6.1). {@code <<<><joe@joe.com>>>} has none: a lenient parser
     * would find {@code joe.com>>} in it.
     */
    public static String authorDomain(List<String> fromFields) {
        if (fromFields.size() != 1) {
            return null;
        }
        List<Mailbox> boxes = parse(fromFields.get(0));
        if (boxes.size() != 1) {
            return null;
        }
        String a = boxes.get(0).address();
        int at = a.lastIndexOf('@');
        if (at <= 0 || !LOCAL.matcher(a.substring(0, at)).matches()) {
            return null;
        }
        String domain = a.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2 || domain.length() > 253) {
            return null;
        }
        for (String l : labels) {
            if (l.isEmpty() || l.length() > 63 || !LABEL.matcher(l).matches()) {
                return null;
            }
        }
        return domain;
    }

    public static List<Mailbox> parse(String value) {
        String v = withoutComments(value);
        List<Mailbox> out = new ArrayList<>();
        for (String part : split(v)) {
            String p = part.strip();
            int colon = indexOutsideQuotes(p, ':');
            if (colon >= 0 && p.indexOf('<') < 0 || colon >= 0 && colon < p.indexOf('<') && p.indexOf('@') > colon) {
                p = p.substring(colon + 1).strip(); // "group: a@b" — the group's name is not an address
            }
            if (p.endsWith(";")) {
                p = p.substring(0, p.length() - 1).strip();
            }
            if (p.isEmpty()) {
                continue;
            }
            // a '<' or '>' inside a quoted display name is text, not the address ("x <a@bank.example>" <b@other.example>)
            int lt = lastOutsideQuotes(p, '<');
            int gt = lastOutsideQuotes(p, '>');
            if (lt >= 0 && gt > lt) {
                out.add(new Mailbox(unquote(p.substring(0, lt).strip()), p.substring(lt + 1, gt).strip()));
            } else if (displayEnd(p) > 0) {
                // "display name" addr-spec, without angle brackets: lenient readers (and users' clients) see the name
                int end = displayEnd(p);
                out.add(new Mailbox(p.substring(1, end), p.substring(end + 1).strip()));
            } else {
                out.add(new Mailbox("", p));
            }
        }
        return out;
    }

    private static String withoutComments(String s) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                if (depth == 0) {
                    b.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (c == '"' && depth == 0) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
                continue;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
                continue;
            }
            if (depth == 0) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static String unquote(String display) {
        return display.startsWith("\"") && display.endsWith("\"") && display.length() >= 2
                ? display.substring(1, display.length() - 1) : display;
    }

    /** The closing quote of a quoted display name followed by white space and more ({@code "Name" a@b}), or -1. */
    private static int displayEnd(String s) {
        int end = s.startsWith("\"") ? quoteEnd(s) : -1;
        return end > 0 && end + 1 < s.length() && Character.isWhitespace(s.charAt(end + 1)) ? end : -1;
    }

    /** The index of the quote that closes the quoted string {@code s} starts with, or -1. */
    private static int quoteEnd(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int lastOutsideQuotes(String s, char target) {
        return outsideQuotes(s, target, true);
    }

    private static int indexOutsideQuotes(String s, char target) {
        return outsideQuotes(s, target, false);
    }

    /** The first (or last) {@code target} outside quoted strings, or -1; a backslash escapes the next character. */
    private static int outsideQuotes(String s, char target, boolean last) {
        boolean quoted = false;
        int found = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == target) {
                if (!last) {
                    return i;
                }
                found = i;
            }
        }
        return found;
    }
}
