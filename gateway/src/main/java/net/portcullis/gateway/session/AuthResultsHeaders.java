package net.portcullis.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Our Authentication-Results header (RFC 8601), and the removal of incoming ones that claim our
 * authserv-id: a forged "dkim=pass" under our name must not reach users who trust it (5.).
 */
public final class AuthResultsHeaders {
    private AuthResultsHeaders() {
    }

    public static String header(String authservId, String resinfo) {
        return "Authentication-Results: " + authservId + ";\r\n\t" + (resinfo == null || resinfo.isBlank() ? "none" : resinfo) + "\r\n";
    }

    /**
     * The header block without Authentication-Results fields whose authserv-id is ours.
     * {@code block} is the whole header section including the empty line that ends it.
     */
    public static byte[] withoutOurs(byte[] block, String authservId) {
        String h = new String(block, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(h.length());
        String[] lines = h.split("\r\n", -1);
        boolean dropping = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (!continuation) {
                dropping = line.regionMatches(true, 0, "Authentication-Results:", 0, 23) && claims(line.substring(23), authservId);
            }
            if (!dropping) {
                out.append(line);
                if (!last) {
                    out.append("\r\n");
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether an Authentication-Results value (after the colon) claims this authserv-id. */
    public static boolean claims(String value, String authservId) {
        return authservId(value).equals(authservId.toLowerCase(Locale.ROOT));
    }

    private static String authservId(String value) {
        String v = value.replaceAll("\\([^)]*\\)", " ").strip();
        int end = 0;
        while (end < v.length() && v.charAt(end) != ';' && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        return v.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
