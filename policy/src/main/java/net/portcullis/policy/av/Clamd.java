package net.portcullis.policy.av;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Deadlines;

/**
 * A client of clamd's socket protocol (clamd(8)): {@code zINSTREAM}, the message in chunks each
 * prefixed by its length (4 bytes, network order), a zero-length chunk to end, one reply ended
 * by a NUL — {@code stream: OK}, {@code stream: NAME FOUND}, or {@code INSTREAM size limit
 * exceeded. ERROR} past clamd's StreamMaxLength. Over TCP or a Unix socket; the servers are
 * tried in order until one answers (a server that cannot be reached, or fails before its
 * answer, passes the message to the next). Each server has {@code timeout} for the whole scan.
 * Written here because the protocol is a dozen lines and the Java clients on Maven Central are
 * unmaintained.
 */
public final class Clamd {
    /** A clamd address: {@code host:port} or {@code unix:/path/to/clamd.ctl}. */
    public record Server(String host, int port, Path unix) {
        public static Server parse(String s) {
            if (s.startsWith("unix:")) {
                return new Server(null, 0, Path.of(s.substring(5)));
            }
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + s + "' is neither host:port nor unix:/path");
            }
            String host = s.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' has no port number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + s + "' has port " + port + ", outside 1-65535");
            }
            return new Server(host, port, null);
        }

        SocketAddress address() {
            return unix != null ? UnixDomainSocketAddress.of(unix) : new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return unix != null ? "unix:" + unix : host + ":" + port;
        }
    }

    /** What a scan found. */
    public enum Verdict { CLEAN, INFECTED, TOO_BIG, UNAVAILABLE }

    /** The outcome: the verdict, the virus name when infected, which server answered, and what went wrong when none did. */
    public record Result(Verdict verdict, String name, String server, String detail) { }

    /** Opens the message again for each server tried. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_REPLY = 4096;

    private final List<Server> servers;
    private final Duration timeout;

    public Clamd(List<Server> servers, Duration timeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no clamd server");
        }
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    /** Scans a message; never throws for clamd's faults, they are {@link Verdict#UNAVAILABLE}. */
    public Result scan(Source message) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        for (Server s : servers) {
            try {
                return scan(s, message);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("scan interrupted");
                }
                failures.add(s + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return new Result(Verdict.UNAVAILABLE, null, null, String.join("; ", failures));
    }

    /** Whether the first server that answers says PONG. */
    public boolean ping() {
        for (Server s : servers) {
            try (SocketChannel ch = open(s)) {
                ch.write(ByteBuffer.wrap("zPING\0".getBytes(StandardCharsets.US_ASCII)));
                if (reply(ch).equals("PONG")) {
                    return true;
                }
            } catch (IOException e) {
                // try the next
            }
        }
        return false;
    }

    private SocketChannel open(Server s) throws IOException {
        SocketChannel ch = s.unix() != null ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        long deadline = System.nanoTime() + timeout.toNanos();
        Deadlines.shared().watch(now -> {
            if (!ch.isOpen()) {
                return true;
            }
            if (now - deadline > 0) {
                try {
                    ch.close(); // ends a connect, write or read that overran: it throws in the scanning thread
                } catch (IOException ignored) {
                    // closing is all we can do
                }
                return true;
            }
            return false;
        });
        try {
            ch.connect(s.address());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return ch;
    }

    private Result scan(Server s, Source message) throws IOException {
        try (SocketChannel ch = open(s); InputStream in = message.open()) {
            try {
                stream(ch, in);
            } catch (IOException e) {
                // clamd stops reading a stream past its StreamMaxLength and says so before it
                // closes: that answer, when there is one, is the result
                try {
                    return verdict(reply(ch), s);
                } catch (IOException none) {
                    throw e;
                }
            }
            return verdict(reply(ch), s);
        } catch (java.nio.channels.AsynchronousCloseException e) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
        }
    }

    private static void stream(SocketChannel ch, InputStream in) throws IOException {
        write(ch, ByteBuffer.wrap("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII)));
        byte[] buf = new byte[CHUNK];
        ByteBuffer len = ByteBuffer.allocate(4);
        int n;
        while ((n = in.read(buf)) > 0) {
            len.clear();
            len.putInt(n).flip();
            write(ch, len);
            write(ch, ByteBuffer.wrap(buf, 0, n));
        }
        len.clear();
        len.putInt(0).flip();
        write(ch, len);
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String reply(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MAX_REPLY);
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                break;
            }
            if (b.position() > 0 && b.get(b.position() - 1) == 0) {
                break;
            }
        }
        String r = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
        if (r.isEmpty()) {
            throw new IOException("clamd closed the connection without an answer");
        }
        return r.replace("\0", "").strip();
    }

    static Result verdict(String reply, Server s) throws IOException {
        if (reply.endsWith("size limit exceeded. ERROR")) {
            return new Result(Verdict.TOO_BIG, null, s.toString(), reply);
        }
        String r = reply.startsWith("stream: ") ? reply.substring(8) : reply;
        if (r.equals("OK")) {
            return new Result(Verdict.CLEAN, null, s.toString(), reply);
        }
        if (r.endsWith(" FOUND")) {
            return new Result(Verdict.INFECTED, r.substring(0, r.length() - 6), s.toString(), reply);
        }
        throw new IOException("clamd answered '" + reply + "'");
    }
}
