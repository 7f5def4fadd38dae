package net.portcullis.gateway.downstream;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message bytes for the DATA phase: a line starting with '.' gets a second dot
 * (RFC 5321 4.5.2), and {@link #finish()} ends the data with CRLF.CRLF. The input is already
 * known to hold CRLF line ends only (the gateway refuses bare CR and LF on the way in).
 */
final class DotStuffer {
    private final OutputStream out;
    private boolean atLineStart = true;
    private int last1 = '\n';
    private int last2 = '\r';

    DotStuffer(OutputStream out) {
        this.out = out;
    }

    void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (atLineStart && b[i] == '.') {
                out.write(b, start, i - start);
                out.write('.');
                start = i;
            }
            atLineStart = b[i] == '\n';
        }
        out.write(b, start, end - start);
        if (len >= 2) {
            last2 = b[end - 2];
            last1 = b[end - 1];
        } else if (len == 1) {
            last2 = last1;
            last1 = b[end - 1];
        }
    }

    void finish() throws IOException {
        if (!(last2 == '\r' && last1 == '\n')) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
    }
}
