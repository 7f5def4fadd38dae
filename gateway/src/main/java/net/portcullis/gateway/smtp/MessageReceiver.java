package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the client's message (already dot-unstuffed, ended only by CRLF.CRLF) into a spool and
 * looks at every byte on the way: bare CR or bare LF (SMTP smuggling, CVE-2023-51764 family),
 * lines over the limit, size over the limit. It always reads to the end of the data, even after
 * a fault, so that no byte of the message can be taken for a command.
 */
final class MessageReceiver {

    /** What was wrong with the message, if anything; checked in this order of precedence. */
    enum Fault { NONE, TOO_BIG, BARE_CR_OR_LF, LINE_TOO_LONG }

    static final int HEADER_CAPTURE_LIMIT = 256 * 1024;

    private final long maxSize;
    private final int maxLine;

    MessageReceiver(long maxSize, int maxLine) {
        this.maxSize = maxSize;
        this.maxLine = maxLine;
    }

    record Result(Fault fault, long size, byte[] header) { }

    /**
     * @param dropAfter reading stops (and the caller drops the connection) when a message goes
     *                  this far past the size limit: draining an endless stream protects nothing
     */
    Result receive(InputStream in, Spool spool, long dropAfter) throws IOException, Oversized {
        byte[] buf = new byte[16 * 1024];
        java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream(2048);
        boolean inHeader = true;
        boolean bare = false;
        boolean longLine = false;
        boolean prevCr = false;
        int lineLen = 0;
        int headerLineLen = 0;
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            boolean headerChunk = inHeader;
            for (int i = 0; i < n; i++) {
                byte c = buf[i];
                if (c == '\n') {
                    if (!prevCr) {
                        bare = true;
                    }
                    if (inHeader && headerLineLen == 0) {
                        inHeader = false;
                    }
                    headerLineLen = 0;
                    lineLen = 0;
                } else {
                    if (prevCr) {
                        bare = true;
                    }
                    if (c != '\r') {
                        lineLen++;
                        headerLineLen++;
                        if (lineLen > maxLine) {
                            longLine = true;
                        }
                    }
                }
                prevCr = c == '\r';
            }
            if (headerChunk && header.size() < HEADER_CAPTURE_LIMIT) {
                header.write(buf, 0, Math.min(n, HEADER_CAPTURE_LIMIT - header.size()));
            }
            total += n;
            if (total <= maxSize) {
                spool.write(buf, 0, n);
            } else if (total > dropAfter) {
                throw new Oversized(total);
            }
        }
        if (prevCr) {
            bare = true;
        }
        Fault f = total > maxSize ? Fault.TOO_BIG : bare ? Fault.BARE_CR_OR_LF : longLine ? Fault.LINE_TOO_LONG : Fault.NONE;
        return new Result(f, total, header.toByteArray());
    }

    /** The client kept sending far past the size limit. */
    static final class Oversized extends Exception {
        Oversized(long seen) {
            super("message exceeded the size limit by far (" + seen + " bytes read)", null, false, false);
        }
    }
}
