package net.portcullis.gateway.milter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The milter server ({@code milter.listen}): an MTA that stays on port 25 asks the gateway's
 * policy about each SMTP session over the Sendmail milter protocol, on TCP or a Unix socket.
 * One thread per MTA connection (Postfix opens one per smtpd process), at most
 * limits.connections at once; a connection silent past milter.timeout is closed.
 */
public final class MilterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilterServer.class);

    /** What the milter shares with the rest of the gateway. */
    public record Shared(Supplier<GatewayContext> live, Supplier<Dns> dns, Executor lookups, ExecutorService sessions) { }

    private final GatewayConfig.Milter cfg;
    private final Shared shared;
    private final Semaphore slots;
    private final Set<MilterConnection> open = ConcurrentHashMap.newKeySet();
    private final LongAdder connections = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "milter-watchdog");
        t.setDaemon(true);
        return t;
    });
    private ServerSocketChannel listener;
    private Thread acceptor;
    private volatile boolean closed;
    /** Whether the Unix socket file is ours to remove: never a file that was there and is not our socket. */
    private boolean ownSocket;

    public MilterServer(GatewayConfig.Milter cfg, int maxConnections, Shared shared) {
        this.cfg = cfg;
        this.shared = shared;
        this.slots = new Semaphore(maxConnections);
    }

    /** Binds milter.listen and starts taking connections. */
    public void start() throws IOException {
        if (cfg.unix() != null) {
            Path p = cfg.unix();
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("milter.listen: " + p + " exists and is not a socket; not removed");
                }
                Files.delete(p); // a socket left by a process that did not stop cleanly
            }
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(p), 256);
            ownSocket = true;
            // the MTA runs as a user of its own: it reaches the socket through the group (docs/milter.md)
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw----"));
        } else {
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(cfg.inet().host(), cfg.inet().port()), 256);
        }
        long every = Math.max(100, Math.min(5000, cfg.timeout().toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
        acceptor = new Thread(this::acceptLoop, "milter-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("milter server listening on {}", address());
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("milter: accept failed: {}", e.getMessage());
                    pause(); // e.g. out of file descriptors: not a busy loop
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                refused.increment();
                LOG.warn("milter: refusing a connection from the MTA: limits.connections ({}) are open", open.size());
                close(ch);
                continue;
            }
            connections.increment();
            noDelay(ch);
            MilterConnection c = new MilterConnection(this, ch, cfg.maxPacket());
            open.add(c);
            try {
                shared.sessions().execute(c);
            } catch (RuntimeException e) {
                closed(c);
                close(ch);
            }
        }
    }

    /**
     * Each reply goes at once: the MTA waits for it before its next command, and Nagle's algorithm
     * would hold a small reply back until the MTA's delayed acknowledgement of the last one.
     */
    private static void noDelay(SocketChannel ch) {
        try {
            if (ch.supportedOptions().contains(java.net.StandardSocketOptions.TCP_NODELAY)) {
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            LOG.debug("milter: TCP_NODELAY not set: {}", e.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // refused anyway
        }
    }

    private void closeIdle() {
        long limit = cfg.timeout().toNanos();
        long now = System.nanoTime();
        for (MilterConnection c : open) {
            if (now - c.lastActivity > limit) {
                LOG.info("milter: closing a connection from the MTA silent for over {}", cfg.timeout());
                c.abort();
            }
        }
    }

    /** The configuration in force for a new client (a reload applies from the next one). */
    GatewayContext live() {
        return shared.live().get();
    }

    /** Starts the client's reverse lookup, as the proxy does when a client connects. */
    CompletableFuture<DnsAnswer> reverse(java.net.InetAddress address) {
        return shared.dns().get().ptrSoon(address, shared.lookups());
    }

    void closed(MilterConnection c) {
        if (open.remove(c)) {
            slots.release();
        }
    }

    void protocolError() {
        protocolErrors.increment();
    }

    /** The TCP port bound (for an OS-chosen port), or -1 on a Unix socket. */
    public int port() {
        try {
            return listener.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Where the MTA reaches us, written as its smtpd_milters setting wants it. */
    public String address() {
        return cfg.unix() != null ? "unix:" + cfg.unix() : "inet:" + cfg.inet().host() + ":" + port();
    }

    public long connections() {
        return connections.sum();
    }

    public long refused() {
        return refused.sum();
    }

    public long protocolErrors() {
        return protocolErrors.sum();
    }

    /** MTA connections open now. */
    public int open() {
        return open.size();
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            LOG.warn("milter: closing the listener: {}", e.getMessage());
        }
        for (MilterConnection c : open) {
            c.abort();
        }
        if (ownSocket) {
            try {
                Files.deleteIfExists(cfg.unix());
            } catch (IOException e) {
                LOG.warn("milter: removing {}: {}", cfg.unix(), e.getMessage());
            }
        }
    }
}
