package net.portcullis.gateway.downstream;

import net.portcullis.rules.Reply;

/** A reply of the protected server, as it gave it (last line of a multi-line reply). */
public record DownstreamReply(int code, String text) {

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    static DownstreamReply of(int code, String[] lines) {
        String last = lines == null || lines.length == 0 ? String.valueOf(code) : lines[lines.length - 1];
        String text = last.length() > 4 ? last.substring(4).strip() : "";
        return new DownstreamReply(code, text);
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
