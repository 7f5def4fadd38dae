package net.portcullis.rules;

import java.util.regex.Pattern;

/**
 * A refusal the gateway sends to a client: an RFC 5321 reply code, an RFC 3463 enhanced status
 * and a text. Validated once, here, so that no code path can put a malformed or self-contradicting
 * reply on the wire (a 5xx code with a 4.x.x status, a 250 "refusal", a CRLF injected by a
 * signal interpolated into the text).
 */
public record Reply(int code, String status, String text) {

    /** RFC 5321 allows 512 octets for a reply line; leave room for code, status and ref. */
    public static final int MAX_TEXT = 400;

    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

    public Reply {
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("reply code " + code + " is not a 4xx or 5xx refusal");
        }
        if (status == null || !STATUS.matcher(status).matches()) {
            throw new IllegalArgumentException("enhanced status '" + status + "' is not of the form class.subject.detail");
        }
        if (status.charAt(0) - '0' != code / 100) {
            throw new IllegalArgumentException("enhanced status " + status + " does not match the class of reply code " + code);
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("reply text is empty");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("reply text is longer than " + MAX_TEXT + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("reply text holds a character outside printable ASCII at index " + i);
            }
        }
    }

    /** Builds a reply from text that may carry untrusted parts (signals): unprintables become '?', long text is cut. */
    public static Reply sanitized(int code, String status, String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && b.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return new Reply(code, status, b.toString());
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** The same refusal, made temporary: the soft_bounce switch used during a rollout. */
    public Reply softened() {
        if (!permanent()) {
            return this;
        }
        return new Reply(code - 100, "4" + status.substring(1), text);
    }

    /** The reply line as sent, with the reference id that is also in the decision log. */
    public String line(String ref) {
        return code + " " + status + " " + text + " [ref " + ref + "]";
    }
}
