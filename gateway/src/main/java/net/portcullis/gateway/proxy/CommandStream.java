package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;

/**
 * The client's byte stream as the command reader sees it, to learn how the client behaves on
 * the wire (Postfix's postscreen "bare newline" test) without changing what it means.
 * <p>
 * In command mode it hands out at most one line per read, so that the session's buffer never
 * holds more than the command being read: whatever the client sent ahead stays here, where
 * {@link #available()} shows it (pipelining where it is not allowed) and where it is still raw
 * when DATA or STARTTLS switch to {@link #raw()}. A line ended by a bare LF is given to the
 * reader as CRLF (SubEthaSMTP's reader would otherwise wait for a CRLF that never comes, then
 * refuse with 501) and counted, so that rules decide what a bare newline costs; in raw mode (the
 * PROXY header, DATA, TLS) nothing is changed and DATA keeps its own, stricter, bare-LF test.
 * Written here because no library offers a line-aware view of a socket stream.
 */
final class CommandStream extends net.portcullis.gateway.net.BlockFilterInputStream {
    private static final int CR = '\r';
    private static final int LF = '\n';
    /** Room for a command line (RFC 5321: 512 octets, 1,000 with parameters); a longer one passes in parts. */
    private final byte[] buf = new byte[2048];
    private int pos;
    private int end;
    private volatile boolean commands;
    /** A CR that the next byte may complete (a line ended by CR LF split across reads). */
    private int last = -1;
    private boolean pendingLf;
    private volatile int bareNewlines;

    CommandStream(InputStream in) {
        super(in);
    }

    /** Lines from here on are commands (after the PROXY header, after DATA). */
    void commands() {
        commands = true;
    }

    /** Bytes from here on pass unchanged (DATA, STARTTLS). */
    void raw() {
        commands = false;
    }

    /**
     * Whether the client's next command is already here (pipelined): replies to the commands
     * before it can wait and go out in one write with its own, as Postfix's smtpd does.
     */
    boolean commandsPending() throws IOException {
        return commands && (pendingLf || pos < end || in.available() > 0);
    }

    /** Command lines so far that ended with a bare LF. */
    int bareNewlines() {
        return bareNewlines;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pendingLf) {
            pendingLf = false;
            b[off] = LF;
            last = LF;
            return 1;
        }
        if (!commands && pos == end) {
            int n = in.read(b, off, len); // raw (DATA, TLS): straight into the reader's buffer, no copy here
            if (n > 0) {
                last = b[off + n - 1];
            }
            return n;
        }
        if (pos == end && !fill()) {
            return -1;
        }
        if (!commands) {
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            last = b[off + n - 1];
            return n;
        }
        int n = 0;
        while (n < len && pos < end) {
            int c = buf[pos] & 0xff;
            if (c == LF) {
                if (last != CR) {
                    bareNewlines++;
                    b[off + n++] = CR;
                    last = CR;
                    if (n == len) {
                        pendingLf = true;
                        pos++;
                        return n;
                    }
                }
                b[off + n++] = LF;
                pos++;
                last = LF;
                return n; // one line per read: the rest stays here, visible to available()
            }
            b[off + n++] = (byte) c;
            pos++;
            last = c;
        }
        return n;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    @Override
    public int available() throws IOException {
        return (pendingLf ? 1 : 0) + (end - pos) + in.available();
    }

    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        byte[] sink = new byte[512];
        while (done < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - done));
            if (r <= 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
