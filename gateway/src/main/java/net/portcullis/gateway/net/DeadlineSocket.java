package net.portcullis.gateway.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.portcullis.policy.Deadlines;

/**
 * A socket whose read timeout ({@link #setSoTimeout}) is kept by {@link Deadlines} rather than
 * by the JDK: its reads wait untimed, which on a virtual thread costs no timer task per read (see
 * Deadlines for what that saved). A read that overruns ends as it would with SO_TIMEOUT, in a
 * {@link SocketTimeoutException}, to within a tick of the deadline; the input is then shut (the
 * watcher's way to wake the reader), so unlike SO_TIMEOUT's the socket cannot be read again. Every
 * user of a timeout here (the SMTP session, the PROXY header, the downstream client) gives up the
 * connection on one, and writing (the 421 that says why) still works.
 */
public class DeadlineSocket extends java.net.Socket implements Deadlines.Watched {
    /** In {@link #reading}: no read is waiting. */
    private static final long IDLE = 0;
    /** In {@link #reading}: the watcher ended the read that was waiting. */
    private static final long EXPIRED = Long.MIN_VALUE;

    private volatile int timeoutMillis;
    /** The deadline ({@link System#nanoTime()}) of the read waiting now, or IDLE, or EXPIRED. */
    private final AtomicLong reading = new AtomicLong(IDLE);
    private volatile boolean closed;
    private InputStream input;

    /** An unconnected socket, to connect. */
    public DeadlineSocket() {
    }

    /** A socket for {@link java.net.ServerSocket#implAccept} to fill in. */
    protected DeadlineSocket(SocketImpl forAccept) throws SocketException {
        super(forAccept);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return timeoutMillis;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new Timed(super.getInputStream());
            Deadlines.shared().watch(this); // from the first read on (until closed): an unconnected socket has none
        }
        return input;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
    }

    /** Makes DeadlineSockets, for clients that take a factory (Commons Net's SMTP client). */
    public static final class Factory extends javax.net.SocketFactory {
        @Override
        public java.net.Socket createSocket() {
            return new DeadlineSocket();
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), new java.net.InetSocketAddress(local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort)
                throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), new java.net.InetSocketAddress(local, localPort));
        }

        private static java.net.Socket connected(java.net.SocketAddress to, java.net.SocketAddress from) throws IOException {
            DeadlineSocket s = new DeadlineSocket();
            try {
                if (from != null) {
                    s.bind(from);
                }
                s.connect(to);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }
    }

    @Override
    public boolean expireIfDue(long now) {
        if (closed) {
            return true;
        }
        long deadline = reading.get();
        if (deadline != IDLE && deadline != EXPIRED && now - deadline >= 0 && reading.compareAndSet(deadline, EXPIRED)) {
            try {
                shutdownInput(); // the waiting read sees end of stream, and Timed makes it a timeout
            } catch (IOException e) {
                // closed meanwhile: the read has ended anyway
            }
        }
        return false;
    }

    /** Marks each read with its deadline; turns the watcher's shutdown into the timeout it stands for. */
    private final class Timed extends BlockFilterInputStream {
        Timed(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int t = timeoutMillis;
            if (reading.get() == EXPIRED) {
                throw timedOut(t);
            }
            if (t == 0) {
                return in.read(b, off, len);
            }
            reading.set(System.nanoTime() + t * 1_000_000L | 1); // | 1: odd, so never IDLE nor EXPIRED
            int n = -1;
            try {
                n = in.read(b, off, len);
                return n;
            } finally {
                // the watcher's CAS and this getAndSet decide which came first; bytes read at the
                // deadline are still handed out, and the next read times out
                if (reading.getAndSet(IDLE) == EXPIRED) {
                    reading.set(EXPIRED);
                    if (n <= 0) {
                        throw timedOut(t);
                    }
                }
            }
        }

        private SocketTimeoutException timedOut(int t) {
            return new SocketTimeoutException("Read timed out (" + t + " ms)");
        }
    }
}
