package net.portcullis.gateway.downstream;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.LongAdder;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.HostPort;

/**
 * Connections to the protected server kept open between transactions. A connection comes back
 * only when its last transaction ended cleanly (a final reply read, or RSET answered); one idle
 * longer than {@code idle_time} is closed instead of reused, since the server may have dropped it.
 */
public final class DownstreamPool implements AutoCloseable {
    private final HostPort target;
    private final GatewayConfig.DownstreamOptions options;
    private final String heloName;
    private final Deque<DownstreamConnection> idle = new ArrayDeque<>();
    private final LongAdder opened = new LongAdder();
    private final LongAdder reused = new LongAdder();
    private boolean closed;
    /** The EHLO keywords of the last session opened, null before the first: what we may advertise. */
    private volatile java.util.Set<String> extensions;

    public DownstreamPool(HostPort target, GatewayConfig.DownstreamOptions options, String heloName) {
        this.target = target;
        this.options = options;
        this.heloName = heloName;
    }

    /** A lease on a connection: reused if one is idle and fresh, opened otherwise. */
    public Lease acquire() throws DownstreamException {
        if (options.reuse()) {
            DownstreamConnection c;
            while ((c = pollIdle()) != null) {
                if (c.idleNanos() <= options.idleTime().toNanos() && c.isOpen()) {
                    reused.increment();
                    return new Lease(c, true);
                }
                c.close();
            }
        }
        return fresh();
    }

    /**
     * A lease on a connection that the server takes as {@code who}'s (downstream_options.xclient):
     * XCLIENT is sent when it is for another client than its last transaction. A connection that
     * cannot be made {@code who}'s — it speaks for another client and XCLIENT is no longer
     * offered, or {@code who} is null (the gateway itself: released mail) — is closed and a fresh
     * one opened: a pooled connection never carries one client's mail under another's name. A
     * reused connection found dead is replaced once.
     *
     * @throws DownstreamException also when the server refuses XCLIENT or the EHLO after it
     */
    public Lease acquire(XClient who) throws DownstreamException {
        return speakFor(acquire(), who);
    }

    /** A fresh connection made {@code who}'s, as {@link #acquire(XClient)} does. */
    public Lease fresh(XClient who) throws DownstreamException {
        return speakFor(fresh(), who);
    }

    private Lease speakFor(Lease l, XClient who) throws DownstreamException {
        if (!options.xclient()) {
            return l;
        }
        for (int attempt = 0; ; attempt++) {
            DownstreamConnection c = l.connection();
            DownstreamReply refused;
            try {
                if (who == null || !c.offersXclient()) {
                    if (c.identity() == null) {
                        warnIfNotOffered(c, who);
                        return l;
                    }
                    l.release(State.BROKEN); // it speaks for a client it cannot be taken back from
                    l = fresh();
                    continue;
                }
                refused = c.actFor(who, heloName);
            } catch (DownstreamException e) {
                l.release(State.BROKEN);
                if (!l.wasReused() || attempt > 0) {
                    throw e;
                }
                l = fresh(); // an idle pooled connection the server had dropped: once more on a new one
                continue;
            }
            if (refused == null) {
                return l;
            }
            l.release(State.BROKEN);
            throw DownstreamException.refused("the mail server refused XCLIENT for " + who.address().getHostAddress() + ": " + refused);
        }
    }

    private volatile boolean warnedNoXclient;

    private void warnIfNotOffered(DownstreamConnection c, XClient who) {
        if (who != null && !c.offersXclient() && !warnedNoXclient) {
            warnedNoXclient = true;
            org.slf4j.LoggerFactory.getLogger(DownstreamPool.class).warn("downstream_options.xclient is on but the mail server at {} "
                    + "does not offer XCLIENT to us (Postfix: add our address to smtpd_authorized_xclient_hosts); relaying without it",
                    target);
        }
    }

    /** The extensions the downstream offered at its last EHLO; null when no session was ever opened. */
    public java.util.Set<String> extensions() {
        return extensions;
    }

    /**
     * Opens a session to learn what the downstream offers, and keeps it for reuse. Called at
     * start, so that the first client's EHLO already advertises SMTPUTF8 and DSN when the
     * downstream has them; a downstream that is down then is simply asked again at first use.
     */
    public void probe() {
        try {
            fresh().release(State.FINISHED);
        } catch (DownstreamException e) {
            org.slf4j.LoggerFactory.getLogger(DownstreamPool.class).warn(
                    "downstream not reachable at start ({}); SMTPUTF8 and DSN are advertised once it is", e.getMessage());
        }
    }

    /**
     * Whether the protected server answers now: a connection (an idle one, or a new one) must
     * answer RSET. Returns null when it does, else why not.
     */
    public String readiness() {
        DownstreamConnection idleOne = pollIdle();
        if (idleOne != null && idleOne.idleNanos() <= options.idleTime().toNanos() && idleOne.isOpen() && idleOne.reset()) {
            giveBack(idleOne, true);
            return null;
        }
        if (idleOne != null) {
            idleOne.close();
        }
        try {
            Lease f = fresh();
            boolean ok = f.connection().reset();
            f.release(ok ? State.FINISHED : State.BROKEN);
            return ok ? null : "the mail server at " + target + " does not answer RSET";
        } catch (DownstreamException e) {
            return "the mail server at " + target + " is unavailable: " + e.getMessage();
        }
    }

    private synchronized DownstreamConnection pollIdle() {
        return idle.pollFirst();
    }

    /** Opens a fresh connection, for a retry after a reused one turned out to be dead. */
    public Lease fresh() throws DownstreamException {
        DownstreamConnection c = DownstreamConnection.open(target, options, heloName);
        extensions = c.extensions();
        opened.increment();
        return new Lease(c, false);
    }

    void giveBack(DownstreamConnection c, boolean clean) {
        if (!clean || !options.reuse() || !c.isOpen()) {
            c.close();
            return;
        }
        c.markIdle();
        synchronized (this) {
            if (!closed && idle.size() < options.maxIdle()) {
                idle.addFirst(c);
                return;
            }
        }
        c.close();
    }

    public long opened() {
        return opened.sum();
    }

    public long reused() {
        return reused.sum();
    }

    @Override
    public void close() {
        Deque<DownstreamConnection> all;
        synchronized (this) {
            closed = true;
            all = new ArrayDeque<>(idle);
            idle.clear();
        }
        all.forEach(DownstreamConnection::close);
    }

    /** One transaction's use of a connection; {@link #release} decides whether it may be reused. */
    public final class Lease {
        private final DownstreamConnection connection;
        private final boolean wasReused;
        private boolean released;

        Lease(DownstreamConnection connection, boolean wasReused) {
            this.connection = connection;
            this.wasReused = wasReused;
        }

        public DownstreamConnection connection() {
            return connection;
        }

        public boolean wasReused() {
            return wasReused;
        }

        /**
         * @param state how the transaction ended: FINISHED (end-of-data reply read),
         *              OPEN (MAIL/RCPT sent, no DATA: needs RSET), BROKEN (I/O fault)
         */
        public void release(State state) {
            if (released) {
                return;
            }
            released = true;
            boolean clean = switch (state) {
                case FINISHED -> true;
                case OPEN -> connection.reset();
                case BROKEN -> false;
            };
            giveBack(connection, clean);
        }
    }

    public enum State { FINISHED, OPEN, BROKEN }
}
