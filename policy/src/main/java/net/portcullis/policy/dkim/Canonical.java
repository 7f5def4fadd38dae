package net.portcullis.policy.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** The simple and relaxed canonicalisations of RFC 6376 section 3.4. */
final class Canonical {
    private Canonical() {
    }

    static String header(String raw, boolean relaxed) {
        if (!relaxed) {
            return raw + "\r\n";
        }
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "").replaceAll("[ \\t]+", " ").strip();
        return name + ":" + value + "\r\n";
    }

    /**
     * Writes the canonical body to {@code out}, stopping after {@code limit} octets (l=), and
     * returns the full canonical length (to detect an l= longer than the body).
     */
    static long body(InputStream in, boolean relaxed, OutputStream out, long limit) throws IOException {
        LimitedSink sink = new LimitedSink(out, limit);
        int pendingBlank = 0;
        boolean any = false;
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
        int prev = -1;
        int c;
        boolean eof = false;
        while (!eof) {
            c = in.read();
            if (c == -1) {
                eof = true;
                if (line.size() == 0 && prev == '\n') {
                    break;
                }
                if (line.size() == 0 && prev == -1) {
                    break; // empty body
                }
            } else {
                line.write(c);
                prev = c;
                if (c != '\n') {
                    continue;
                }
            }
            byte[] l = line.toByteArray();
            line.reset();
            int end = l.length;
            if (end >= 2 && l[end - 2] == '\r' && l[end - 1] == '\n') {
                end -= 2;
            } else if (end >= 1 && l[end - 1] == '\n') {
                end -= 1;
            }
            byte[] content = java.util.Arrays.copyOf(l, end);
            if (relaxed) {
                content = relaxLine(content);
            }
            if (content.length == 0) {
                pendingBlank++;
                continue;
            }
            for (int i = 0; i < pendingBlank; i++) {
                sink.write(CRLF);
            }
            pendingBlank = 0;
            sink.write(content);
            sink.write(CRLF);
            any = true;
        }
        if (!any && !relaxed) {
            sink.write(CRLF); // simple: an empty body is one CRLF
        }
        return sink.total;
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static byte[] relaxLine(byte[] l) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(l.length);
        boolean ws = false;
        for (byte b : l) {
            if (b == ' ' || b == '\t') {
                ws = true;
                continue;
            }
            if (ws) {
                o.write(' ');
                ws = false;
            }
            o.write(b);
        }
        return o.toByteArray(); // trailing whitespace dropped
    }

    private static final class LimitedSink {
        final OutputStream out;
        final long limit;
        long total;

        LimitedSink(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        void write(byte[] b) throws IOException {
            long room = limit - total;
            if (room > 0) {
                out.write(b, 0, (int) Math.min(room, b.length));
            }
            total += b.length;
        }
    }
}
