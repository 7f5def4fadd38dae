package net.portcullis.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import net.portcullis.gateway.session.HeaderLimit;
import net.portcullis.gateway.session.Spool;

/**
 * Reads the DATA phase straight off the client's buffered socket stream, in one pass per
 * chunk: finds the end (only CRLF.CRLF), removes dot-stuffing, and notes bare CR or bare LF
 * (SMTP smuggling, CVE-2023-51764 family), lines over the limit and size over the limit.
 * It never reads past the final dot: whatever the client pipelined after it stays in the
 * stream for the command reader (mark/reset on the session's BufferedInputStream).
 * Written here because SubEthaSMTP's reader takes three virtual calls and a lock per byte,
 * which was 40% of the gateway's CPU under load.
 */
final class DataReader {

    /** What was wrong with the message, if anything; in this order of precedence. */
    enum Fault { NONE, TOO_BIG, BARE_CR_OR_LF, LINE_TOO_LONG }

    record Result(Fault fault, long size, byte[] header) { }

    /** The client kept sending far past the size limit. */
    static final class Oversized extends Exception {
        Oversized(long seen) {
            super("message exceeded the size limit by far (" + seen + " bytes read)", null, false, false);
        }
    }

    /** The client did not finish the message before the DATA deadline (limits.data_deadline). */
    static final class TooSlow extends Exception {
        TooSlow(long seen) {
            super("message not complete within the data deadline (" + seen + " bytes read)", null, false, false);
        }
    }

    static final int HEADER_CAPTURE_LIMIT = HeaderLimit.BYTES;
    private static final int CHUNK = 16 * 1024;

    private static final int START = 0;   // at the start of a line (after CRLF)
    private static final int DOT = 1;     // '.' at the start of a line
    private static final int DOT_CR = 2;  // ".\r" at the start of a line
    private static final int MID = 3;     // inside a line
    private static final int CR = 4;      // after '\r'

    private final long maxSize;
    private final int maxLine;

    /** Reused for every message of a session: one reader per session, one message at a time. */
    private final byte[] buf = new byte[CHUNK];
    private final byte[] out = new byte[CHUNK + 2];

    DataReader(long maxSize, int maxLine) {
        this.maxSize = maxSize;
        this.maxLine = maxLine;
    }

    /** Whether this reader applies these limits (a reload may change them). */
    boolean limits(long maxSize, int maxLine) {
        return this.maxSize == maxSize && this.maxLine == maxLine;
    }

    /**
     * @param dropAfter reading stops (and the caller drops the connection) when a message goes
     *                  this far past the size limit: draining an endless stream protects nothing
     */
    Result read(InputStream in, Spool spool, long dropAfter) throws IOException, Oversized {
        try {
            return read(in, spool, dropAfter, Long.MAX_VALUE);
        } catch (TooSlow e) {
            throw new IllegalStateException(e); // cannot happen without a deadline
        }
    }

    /**
     * @param deadline a {@link System#nanoTime()} by which the final dot must have come: the idle
     *                 timeout alone lets a client that sends a byte a second hold a session for ever
     */
    Result read(InputStream in, Spool spool, long dropAfter, long deadline) throws IOException, Oversized, TooSlow {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("DATA needs a stream with mark/reset, not to over-read pipelined commands");
        }
        byte[] buf = this.buf;
        byte[] out = this.out;
        ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
        boolean inHeader = true;
        boolean bare = false;
        boolean longLine = false;
        int state = START;
        boolean headerEnds = false;
        int lineLen = 0;
        long total = 0;
        while (true) {
            in.mark(CHUNK);
            int n = in.read(buf, 0, CHUNK);
            if (n == -1) {
                throw new EOFException("connection closed before the end of data");
            }
            if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                throw new TooSlow(total);
            }
            int o = 0;
            int end = -1;
            for (int i = 0; i < n && end < 0; i++) {
                byte c = buf[i];
                switch (state) {
                    case START, MID -> {
                        if (state == START && c == '.') {
                            state = DOT;
                        } else if (c == '\r') {
                            out[o++] = c;
                            state = CR;
                        } else {
                            if (c == '\n') {
                                bare = true; // LF without CR; not a line end for the terminator either
                            }
                            out[o++] = c;
                            if (++lineLen > maxLine) {
                                longLine = true;
                            }
                            state = MID;
                        }
                    }
                    case DOT -> {
                        // the first dot of a line is stuffing (RFC 5321 4.5.2): dropped
                        if (c == '\r') {
                            state = DOT_CR;
                        } else {
                            out[o++] = c;
                            lineLen++;
                            bare |= c == '\n';
                            state = MID;
                        }
                    }
                    case DOT_CR -> {
                        if (c == '\n') {
                            end = i + 1;
                        } else {
                            bare = true; // ".\r" then something else: a bare CR
                            out[o++] = '\r';
                            out[o++] = c;
                            state = c == '\r' ? CR : MID;
                        }
                    }
                    default -> { // CR
                        out[o++] = c;
                        if (c == '\n') {
                            headerEnds = inHeader && lineLen == 0;
                            lineLen = 0;
                            state = START;
                        } else {
                            bare = true;
                            if (c != '\r') {
                                lineLen++;
                                state = MID;
                            }
                        }
                    }
                }
                if (inHeader && o > 0 && state == START) {
                    // flush at each header line end, so the captured header stops at the blank line
                    if (header.size() < HEADER_CAPTURE_LIMIT) {
                        header.write(out, 0, o);
                    }
                    total += o;
                    store(spool, out, o, total, dropAfter);
                    o = 0;
                    inHeader = !headerEnds;
                }
            }
            if (o > 0) {
                if (inHeader && header.size() < HEADER_CAPTURE_LIMIT) {
                    header.write(out, 0, o);
                }
                total += o;
                store(spool, out, o, total, dropAfter);
            }
            if (end >= 0) {
                in.reset();
                skipFully(in, end);
                break;
            }
        }
        Fault f = total > maxSize ? Fault.TOO_BIG : bare ? Fault.BARE_CR_OR_LF : longLine ? Fault.LINE_TOO_LONG : Fault.NONE;
        return new Result(f, total, header.toByteArray());
    }

    private void store(Spool spool, byte[] b, int len, long total, long dropAfter) throws IOException, Oversized {
        if (total <= maxSize) {
            spool.write(b, 0, len);
        } else if (total > dropAfter) {
            throw new Oversized(total);
        }
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                throw new EOFException("stream ended while skipping consumed data");
            }
            n -= s;
        }
    }
}
