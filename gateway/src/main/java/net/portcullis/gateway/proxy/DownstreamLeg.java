package net.portcullis.gateway.proxy;

import java.io.InputStream;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.DownstreamPool;
import net.portcullis.gateway.downstream.DownstreamReply;
import net.portcullis.rules.Reply;

/**
 * One transaction's session with the protected server: one lease, opened at the first recipient
 * our policy accepts. Its failure is sticky: once the downstream session is lost, every later
 * RCPT and the DATA of this transaction get the same 4xx. A fresh session would know nothing of
 * the recipients already accepted, and the message would reach only some of those the client
 * heard 250 for (Postfix's smtpd_proxy makes the same choice: a lost proxy stream ends the
 * transaction with a temporary error).
 */
final class DownstreamLeg {
    private final net.portcullis.gateway.downstream.Downstreams downstreams;
    /** The route of the first recipient passed on: every recipient of this transaction goes there. */
    private net.portcullis.gateway.downstream.Downstreams.Route route;
    /** Who this transaction is for, for XCLIENT; asked when the first recipient is passed on. */
    private final java.util.function.Supplier<net.portcullis.gateway.downstream.XClient> who;
    private DownstreamPool.Lease lease;
    private boolean hasMail;
    private DownstreamException failure;
    private String tls;

    DownstreamLeg(net.portcullis.gateway.downstream.Downstreams downstreams,
                  java.util.function.Supplier<net.portcullis.gateway.downstream.XClient> who) {
        this.downstreams = downstreams;
        this.who = who;
    }

    /**
     * Whether {@code recipient} can join this transaction: it goes to the same route as those
     * already passed on (one downstream session per transaction, so that one end-of-data reply
     * answers for every recipient).
     */
    boolean sameRoute(String recipient) {
        return route == null || downstreams.route(recipient) == route;
    }

    /** The failure that ended this leg, or null while it is usable. */
    DownstreamException failure() {
        return failure;
    }

    /** True once MAIL was accepted downstream, so that recipients can follow. */
    boolean open() {
        return lease != null && hasMail && failure == null;
    }

    /** The TLS protocol to the downstream, null for plain text or before a session was opened. */
    String tls() {
        return tls;
    }

    /**
     * MAIL (at the first call, pipelined with the first RCPT) then RCPT. A reused idle connection
     * found dead there is replaced once: nothing of this transaction was taken on it.
     *
     * @return the downstream's reply to MAIL when it refused the sender, else its reply to RCPT
     * @throws DownstreamException the session is lost (now or earlier in this transaction)
     */
    DownstreamReply recipient(String sender, String mailParams, String rcpt, String rcptParams) throws DownstreamException {
        if (failure != null) {
            throw failure;
        }
        try {
            if (lease == null) {
                route = downstreams.route(rcpt);
                lease = route.acquire(who.get());
                tls = lease.connection().tls();
            }
            if (!hasMail) {
                // MAIL and the first RCPT in one write when the server pipelines (one round trip less a message)
                DownstreamReply[] mr;
                try {
                    mr = lease.connection().mailAndRcpt(sender, mailParams, rcpt, rcptParams);
                } catch (DownstreamException e) {
                    if (!lease.wasReused()) {
                        throw e;
                    }
                    lease.release(DownstreamPool.State.BROKEN);
                    lease = route.fresh(who.get());
                    tls = lease.connection().tls();
                    mr = lease.connection().mailAndRcpt(sender, mailParams, rcpt, rcptParams);
                }
                if (!mr[0].positive()) {
                    return mr[0];
                }
                hasMail = true;
                return mr[1];
            }
            return lease.connection().rcpt(rcpt, rcptParams);
        } catch (DownstreamException e) {
            fail(e);
            throw e;
        }
    }

    /** DATA and the message; the answer to the end of data is the client's answer. */
    DownstreamReply data(byte[] prefix, InputStream message) throws DownstreamException {
        if (failure != null) {
            throw failure;
        }
        if (!open()) {
            throw fail(DownstreamException.lost("no downstream session for this transaction"));
        }
        try {
            DownstreamReply r = lease.connection().data(prefix, message);
            release(DownstreamPool.State.FINISHED);
            return r;
        } catch (DownstreamException e) {
            fail(e);
            throw e;
        }
    }

    /** The reply a later command of this transaction gets once the leg has failed. */
    Reply failureReply() {
        return failure == null ? null : failure.reply();
    }

    private DownstreamException fail(DownstreamException e) {
        failure = e;
        release(DownstreamPool.State.BROKEN);
        return e;
    }

    /** Ends this transaction's use of the connection; OPEN sends RSET so it can be reused. */
    void release(DownstreamPool.State state) {
        if (lease != null) {
            lease.release(state);
            lease = null;
        }
        hasMail = false;
    }
}
