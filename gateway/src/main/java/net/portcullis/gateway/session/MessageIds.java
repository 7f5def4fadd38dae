package net.portcullis.gateway.session;

import java.nio.charset.StandardCharsets;

/** Finds the Message-ID field in a message's header block (unfolded), for the decision log. */
public final class MessageIds {
    private MessageIds() {
    }

    public static String find(byte[] header) {
        String h = new String(header, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < h.length()) {
            int eol = h.indexOf("\r\n", pos);
            if (eol < 0 || eol == pos) {
                return null; // end of the captured block or the blank line that ends the header
            }
            String line = h.substring(pos, eol);
            if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                StringBuilder v = new StringBuilder(line.substring(11));
                int next = eol + 2;
                while (next < h.length() && (h.charAt(next) == ' ' || h.charAt(next) == '\t')) {
                    int e = h.indexOf("\r\n", next);
                    if (e < 0) {
                        break;
                    }
                    v.append(h, next, e);
                    next = e + 2;
                }
                String id = v.toString().strip();
                return id.length() > 250 ? id.substring(0, 250) : id;
            }
            pos = eol + 2;
        }
        return null;
    }
}
