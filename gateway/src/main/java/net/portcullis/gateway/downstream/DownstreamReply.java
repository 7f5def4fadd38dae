package net.portcullis.gateway.downstream;

import net.portcullis.rules.Reply;

/** A reply of the protected server, as it gave it (last line of a multi-line reply). */
public record DownstreamReply(int code, String text) {

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    /**
     * The reply as read by Commons Net, checked: every line must carry the same three-digit
     * code (RFC 5321 4.2.1), a continuation a hyphen and the last a space or nothing. Commons
     * Net takes the code of the first line, so {@code 250-first / 554 second} would read as 250;
     * such a reply, or any that is not a valid reply, is a fault of the downstream session.
     */
    static DownstreamReply of(int code, String[] lines) throws DownstreamException {
        if (code < 200 || code > 599 || lines == null || lines.length == 0) {
            throw DownstreamException.broken("invalid reply from the mail server: " + describe(lines), null);
        }
        String prefix = String.valueOf(code);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            boolean last = i == lines.length - 1;
            boolean shape = l.length() >= 3 && l.startsWith(prefix)
                    && (l.length() == 3 ? last : l.charAt(3) == (last ? ' ' : '-'));
            if (!shape) {
                throw DownstreamException.broken("invalid reply from the mail server: " + describe(lines), null);
            }
        }
        String last = lines[lines.length - 1];
        String text = last.length() > 4 ? last.substring(4).strip() : "";
        return new DownstreamReply(code, text);
    }

    private static String describe(String[] lines) {
        if (lines == null) {
            return "(none)";
        }
        String all = String.join(" / ", lines);
        return all.length() > 200 ? all.substring(0, 200) + "..." : all;
    }

    /** The same refusal for our client: the downstream's enhanced status kept, or one of its class. */
    public Reply asRefusal() {
        String status;
        String rest;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})\\s+(.*)").matcher(text);
        if (m.matches() && m.group(1).charAt(0) - '0' == code / 100) {
            status = m.group(1);
            rest = m.group(2);
        } else {
            status = (code / 100) + ".0.0";
            rest = text;
        }
        int c = code >= 400 && code <= 599 ? code : 451;
        if (c != code) {
            status = "4.0.0";
        }
        return Reply.sanitized(c, status, rest.isBlank() ? "Refused by the mail server" : rest);
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
