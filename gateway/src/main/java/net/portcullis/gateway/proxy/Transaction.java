package net.portcullis.gateway.proxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Set;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.DownstreamPool;
import net.portcullis.gateway.downstream.DownstreamReply;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.downstream.XClient;
import net.portcullis.gateway.session.AuthResultsHeaders;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.gateway.session.MailTransaction;
import net.portcullis.gateway.session.Onward;
import net.portcullis.gateway.session.ReceivedHeader;
import net.portcullis.gateway.session.Refusal;
import net.portcullis.gateway.session.Refusals;
import net.portcullis.gateway.session.Spool;
import net.portcullis.gateway.session.Step;
import net.portcullis.gateway.session.TagValues;
import net.portcullis.policy.Client;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP transaction, relayed in-line: the {@link MailTransaction} decides each step, and what
 * it accepts is passed on at once through the {@link DownstreamLeg} — MAIL and each RCPT, then
 * the message streamed through at DATA — so the client's answers are the downstream's. Any
 * fault on the way becomes a 4xx, so the client hears 250 only for mail the protected server
 * took.
 */
final class Transaction implements MessageHandler {
    /** Parameters we consume ourselves: AUTH= names our client's identity, not ours downstream. */
    private static final Set<String> NOT_PASSED_ON = Set.of("AUTH");

    private final Session session;
    private final SessionState state;
    private final MailSession client;
    private final MailTransaction tx;
    private final Downstreams pool;
    private final GatewayContext ctx;
    private final DownstreamLeg leg;
    private EsmtpParameters mailParams = EsmtpParameters.NONE;

    Transaction(GatewayContext ctx, Downstreams pool, Session session, SessionState state) {
        this.ctx = ctx;
        this.pool = pool;
        this.session = session;
        // no state: a session the gate did not admit (tests that build a transaction on their own)
        this.state = state != null ? state : new SessionState(new MailSession(session.getRemoteAddress().getAddress(),
                session.getRemoteAddress().getPort(), java.util.concurrent.CompletableFuture.completedFuture(
                        net.portcullis.policy.dns.DnsAnswer.nxdomain("no session"))));
        this.client = this.state.mail;
        this.tx = new MailTransaction(ctx, client, null);
        this.leg = new DownstreamLeg(pool, this::xclient);
    }

    @Override
    public void from(String from) throws RejectException {
        mail(from, EsmtpParameters.NONE);
    }

    /** MAIL FROM, with its parameters already checked by {@link SmtpCommands}. */
    void mail(String from, EsmtpParameters params) throws RejectException {
        // what SubEthaSMTP knows of the session by now (HELO, STARTTLS and AUTH come before MAIL)
        client.helo(session.getHelo().orElse(null), state.ehlo);
        client.tls(session.getSocket() instanceof SSLSocket s ? s.getSession().getProtocol() : null);
        client.authUser(session.getAuthenticationHandler().map(AuthenticationHandler::getIdentity).map(Object::toString).orElse(null));
        mailParams = params;
        answer(tx.mail(from, params.has("SMTPUTF8")));
    }

    @Override
    public void recipient(String path) throws RejectException {
        recipient(path, EsmtpParameters.NONE);
    }

    /** RCPT TO: the policy decides, then the downstream does; the client hears the downstream's answer. */
    void recipient(String path, EsmtpParameters params) throws RejectException {
        answer(tx.recipient(path, params.has("SMTPUTF8"), new Onward() {
            @Override
            public Refusal lost() {
                return leg.failure() == null ? null : new Refusal(leg.failureReply(), "downstream",
                        "connection to the mail server lost earlier in this transaction: " + leg.failure().getMessage());
            }

            @Override
            public Refusal recipient(String rcpt) {
                return passOn(rcpt, params);
            }
        }));
    }

    /** An accepted recipient to the downstream: null when it took it, else why not. */
    private Refusal passOn(String path, EsmtpParameters params) {
        Reply unsupported = unsupportedDownstream(params);
        if (unsupported != null) {
            return new Refusal(unsupported, "downstream", unsupported.text());
        }
        if (!leg.sameRoute(path)) {
            return new Refusal(Refusals.ANOTHER_ROUTE, "downstream.route",
                    path + " is served by another mail server (routes) than this transaction's recipients");
        }
        DownstreamReply r;
        try {
            r = leg.recipient(tx.sender(), mailParams.passOn(dropForDownstream()), path, params.passOn(Set.of()));
        } catch (DownstreamException e) {
            return new Refusal(e.reply(), "downstream", e.getMessage());
        } finally {
            tx.record().downstreamTls = leg.tls();
        }
        return r.positive() ? null : new Refusal(r.asRefusal(), "downstream", "downstream refused: " + r);
    }

    /**
     * An extension the client uses that the downstream does not offer (it changed since we
     * advertised it): a temporary refusal, since passing the mail without it would silently drop
     * what the client asked for (a DSN, a UTF-8 address).
     */
    private Reply unsupportedDownstream(EsmtpParameters rcptParams) {
        Set<String> ext = pool.extensions();
        if (ext == null) {
            return null; // no session opened yet: checked again once one is
        }
        boolean dsn = mailParams.has("RET") || mailParams.has("ENVID") || rcptParams.has("NOTIFY") || rcptParams.has("ORCPT");
        if (dsn && !ext.contains("DSN")) {
            return Refusals.NO_DSN_DOWNSTREAM;
        }
        if (mailParams.has("SMTPUTF8") && !ext.contains("SMTPUTF8")) {
            return Refusals.NO_SMTPUTF8_DOWNSTREAM;
        }
        return null;
    }

    /** BODY= goes on only to a server that offers 8BITMIME; 8-bit content itself always passes byte for byte. */
    private Set<String> dropForDownstream() {
        Set<String> ext = pool.extensions();
        return ext != null && ext.contains("8BITMIME") ? NOT_PASSED_ON : Set.of("AUTH", "BODY");
    }

    /**
     * Why DATA may not start, or null: the downstream session of this transaction is lost, so no
     * message can reach every recipient the client heard 250 for.
     */
    String refusalBeforeData() {
        if (tx.reportMode() || leg.failure() == null) {
            return null;
        }
        return text(tx.refuse(new Refusal(leg.failureReply(), "downstream",
                "connection to the mail server lost earlier in this transaction: " + leg.failure().getMessage())));
    }

    /**
     * The DATA phase, given the session's raw input as the client sends it (dot-stuffed, ended
     * by CRLF.CRLF): our DATA command calls this, not SubEthaSMTP's, see {@link DataReader}.
     */
    @Override
    public String data(InputStream in) throws RejectException, IOException {
        var limits = ctx.config().limits();
        DataReader reader = state.dataReader(limits.messageSize(), limits.lineLength());
        try (Spool spool = new Spool(ctx.config().spool().directory(), ctx.config().spool().memoryThreshold())) {
            DataReader.Result got;
            try {
                got = reader.read(in, spool, limits.messageSize() * 2 + 1024 * 1024,
                        System.nanoTime() + limits.dataDeadline().toNanos());
            } catch (DataReader.Oversized e) {
                tx.record().size = limits.messageSize();
                leg.release(DownstreamPool.State.OPEN);
                throw new DropConnectionException(552, text(tx.refuse(new Refusal(Refusals.MESSAGE_TOO_BIG, "limits.message_size",
                        e.getMessage()))));
            } catch (DataReader.TooSlow e) {
                leg.release(DownstreamPool.State.BROKEN);
                throw new DropConnectionException(421, text(tx.refuse(new Refusal(Refusals.TOO_SLOW, "limits.data_deadline",
                        e.getMessage()))));
            }
            answer(tx.received(got.size(), got.header(), got.header().length));
            switch (got.fault()) {
                case BARE_CR_OR_LF -> throw refused(Refusals.BARE_NEWLINE, "data.bare_newline", "bare CR or LF (SMTP smuggling protection)");
                case LINE_TOO_LONG -> throw refused(Refusals.lineTooLong(limits.lineLength()), "limits.line_length", "line too long");
                case TOO_BIG, NONE -> { } // too big: refused by received()
            }
            if (tx.reportMode()) {
                return taken(tx.report(spool, got.size()));
            }
            if (!leg.open()) {
                throw refused(leg.failureReply() != null ? leg.failureReply() : DownstreamException.UNAVAILABLE, "downstream",
                        "no downstream session for this transaction");
            }
            Step d = tx.data(got.header(), got.size(), () -> bodyOf(spool, got.header()));
            answer(d);
            if (d.kind() == Step.Kind.HOLD) {
                // kept as it would have gone to the mail server; the downstream session is reset, unused
                leg.release(DownstreamPool.State.OPEN);
                return taken(tx.keep(d.verdict(), new SequenceInputStream(new ByteArrayInputStream(prefix(d)),
                        outgoing(spool, got.header()))));
            }
            DownstreamReply r;
            try (InputStream body = outgoing(spool, got.header())) {
                r = leg.data(prefix(d), body);
            } catch (DownstreamException e) {
                throw refused(e.reply(), "downstream", e.getMessage());
            }
            tx.record().downstreamReply = r.toString();
            if (!r.positive()) {
                throw refused(r.asRefusal(), "downstream", "downstream refused the message: " + r);
            }
            tx.delivered("downstream", r.toString());
            return r.text().isEmpty() ? "2.0.0 Ok [ref " + tx.ref() + "]" : r.text() + " [ref " + tx.ref() + "]";
        }
    }

    /** The message body after the header block, for DKIM. */
    private static InputStream bodyOf(Spool spool, byte[] header) throws IOException {
        InputStream in = spool.open();
        in.skipNBytes(Math.min(header.length, spool.size()));
        return in;
    }

    /** The message as it goes on: incoming Authentication-Results under our authserv-id removed. */
    private InputStream outgoing(Spool spool, byte[] header) throws IOException {
        String id = ctx.config().checks().authservId();
        if (id == null) { // a cut header never gets here: received() refuses it
            return spool.open();
        }
        byte[] filtered = AuthResultsHeaders.withoutOurs(header, id);
        if (filtered.length == header.length) {
            return spool.open();
        }
        return new SequenceInputStream(new ByteArrayInputStream(filtered), bodyOf(spool, header));
    }

    /** What we put in front of the message: our Received header, our Authentication-Results, the headers rules added. */
    private byte[] prefix(Step d) {
        byte[] received = receivedHeader();
        String id = ctx.config().checks().authservId();
        if (d.tags().isEmpty() && id == null) {
            return received;
        }
        StringBuilder b = new StringBuilder(new String(received, StandardCharsets.UTF_8));
        if (id != null) {
            b.append(AuthResultsHeaders.header(id, d.authResults()));
        }
        for (StageResult.Tag t : d.tags()) {
            b.append(t.header()).append(": ").append(TagValues.clean(t.value())).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] receivedHeader() {
        Client c = tx.client();
        String proto = null;
        String cipher = null;
        if (session.getSocket() instanceof SSLSocket s) {
            SSLSession ss = s.getSession();
            proto = ss.getProtocol();
            cipher = ss.getCipherSuite();
        }
        // Only a forward-confirmed name goes into Received (Postfix writes "unknown" otherwise):
        // a PTR record alone is whatever the owner of the address block chose to write.
        return ReceivedHeader.build(new ReceivedHeader.Facts(c.helo(), state.ehlo, tx.confirmedName(),
                c.address().getHostAddress(), ctx.config().hostname(), proto, cipher, c.authenticated(), tx.ref(), tx.accepted(),
                ZonedDateTime.now()));
    }

    /** Who this transaction is for, as XCLIENT tells the protected server (downstream_options.xclient). */
    private XClient xclient() {
        Client c = tx.client();
        return new XClient(c.address(), client.port(), tx.confirmedName(), c.ptrFailure() != null, c.helo(), state.ehlo, c.authUser());
    }

    /** A refusal step becomes the client's reply. */
    private static void answer(Step s) throws RejectException {
        if (s.refused()) {
            throw rejection(s.reply());
        }
    }

    /** 421 means "closing the channel" (RFC 5321 3.8): it ends the session. */
    private static RejectException rejection(Reply r) {
        return r.code() == 421 ? new DropConnectionException(421, text(r)) : new RejectException(r.code(), text(r));
    }

    private static String taken(Step s) throws RejectException {
        answer(s);
        return s.text();
    }

    /** The transaction's refusal at DATA, recorded: the exception to throw. */
    private RejectException refused(Reply reply, String by, String why) {
        return rejection(tx.refuse(new Refusal(reply, by, why)));
    }

    private static String text(Reply r) {
        return r.status() + " " + r.text();
    }

    @Override
    public void done() {
        leg.release(DownstreamPool.State.OPEN);
        tx.end(null);
    }
}
