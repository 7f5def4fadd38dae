package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.DownstreamPool;
import net.portcullis.gateway.downstream.DownstreamReply;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.Client;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP transaction, relayed in-line: MAIL and each RCPT the policy accepts are passed on
 * through the {@link DownstreamLeg}, the message is streamed through at DATA, and the client's
 * end-of-DATA answer is the downstream's. Any fault on the way becomes a 4xx, so the client
 * hears 250 only for mail the protected server took. What was decided goes into one
 * {@link DecisionRecord}, written when the transaction ends.
 */
final class Transaction implements MessageHandler {
    /** Parameters we consume ourselves: AUTH= names our client's identity, not ours downstream. */
    private static final Set<String> NOT_PASSED_ON = Set.of("AUTH");

    private final GatewayContext ctx;
    private final Session session;
    private final SessionState state;
    private final DecisionRecord record = new DecisionRecord(RefIds.next());
    private final long startNanos = System.nanoTime();
    private final DownstreamLeg leg;
    private final ReportMailbox reports;
    private final List<String> accepted = new ArrayList<>();
    private final List<StageResult.Tag> tags = new ArrayList<>();
    private PolicyTransaction policy;
    private SignalMap dataSignals;
    private String sender;
    private EsmtpParameters mailParams = EsmtpParameters.NONE;
    private Client client;
    private String authResults;
    private boolean started;
    private boolean reportMode;

    Transaction(GatewayContext ctx, Session session) {
        this.ctx = ctx;
        this.session = session;
        this.state = ctx.gate().state(session);
        this.leg = new DownstreamLeg(ctx.pool(), this::xclient);
        this.reports = new ReportMailbox(ctx.config().reports().address(), ctx.reports());
    }

    @Override
    public void from(String from) throws RejectException {
        mail(from, EsmtpParameters.NONE);
    }

    /** MAIL FROM, with its parameters already checked by {@link SmtpCommands}. */
    void mail(String from, EsmtpParameters params) throws RejectException {
        if (ctx.gate().draining()) {
            throw new DropConnectionException(421, refusal(new Reply(421, "4.3.2", "Service shutting down, try again later"),
                    "shutdown", "gateway is draining"));
        }
        started = true;
        ctx.inflight().enter();
        sender = from;
        mailParams = params;
        ctx.rates().mail(who(null));
        net.portcullis.policy.EnvelopeSyntax.Refusal bad = net.portcullis.policy.EnvelopeSyntax.sender(from, params.has("SMTPUTF8"));
        if (bad != null) {
            throw reject(bad.reply(), bad.decidedBy(), bad.reason());
        }
    }

    @Override
    public void recipient(String path) throws RejectException {
        recipient(path, EsmtpParameters.NONE);
    }

    /** RCPT TO: the policy decides, then the downstream does; the client hears the downstream's answer. */
    void recipient(String path, EsmtpParameters params) throws RejectException {
        DecisionRecord.Recipient entry = record.recipient(path);
        ctx.rates().recipient(who(path));
        if (accepted.size() >= ctx.config().limits().recipients()) {
            throw refuseRecipient(entry, new Reply(452, "4.5.3", "Too many recipients"), "limits.recipients",
                    "more than " + ctx.config().limits().recipients() + " recipients");
        }
        if (reports.isFor(path)) {
            if (!accepted.isEmpty() && !reportMode) {
                throw refuseRecipient(entry, new Reply(452, "4.5.3", "Send spam reports in a transaction of their own"),
                        "reports", "report address mixed with other recipients");
            }
            reportMode = true;
            entry.accepted("reports");
            accepted.add(path);
            return;
        }
        if (reportMode) {
            throw refuseRecipient(entry, new Reply(452, "4.5.3", "Send spam reports in a transaction of their own"),
                    "reports", "report address mixed with other recipients");
        }
        if (leg.failure() != null) {
            throw refuseRecipient(entry, leg.failureReply(), "downstream",
                    "connection to the mail server lost earlier in this transaction: " + leg.failure().getMessage());
        }
        if (state != null && state.sessionRefusal != null) {
            Verdict earlier = state.sessionRefusal;
            throw refuseRecipient(entry, earlier.reply(), earlier.decidedBy(), "refused earlier in this session: " + earlier.reason());
        }
        if (!params.has("SMTPUTF8") && !mailParams.has("SMTPUTF8") && !MailAddress.isAscii(path)) {
            throw refuseRecipient(entry, new Reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"),
                    "rcpt.syntax", "UTF-8 recipient without SMTPUTF8");
        }
        StageOutcome o = DecisionNotes.recipient(ctx, policy(), record, entry, path);
        Verdict v = o.verdict();
        if (v.refused()) {
            rememberClientRefusal(o);
            throw refuseRecipient(entry, v.reply(), v.decidedBy(), v.reason());
        }
        Reply unsupported = unsupportedDownstream(params);
        if (unsupported != null) {
            throw refuseRecipient(entry, unsupported, "downstream", unsupported.text());
        }
        if (!leg.sameRoute(path)) {
            // RFC 5321 4.5.3.1.10: clients send the recipients refused with 452 in a later transaction
            throw refuseRecipient(entry, new Reply(452, "4.5.3", "Too many recipients for one transaction: send this one in another"),
                    "downstream.route", path + " is served by another mail server (routes) than this transaction's recipients");
        }
        DownstreamReply r;
        try {
            r = leg.recipient(sender, mailParams.passOn(dropForDownstream()), path, params.passOn(Set.of()));
        } catch (DownstreamException e) {
            record.downstreamTls = leg.tls();
            throw refuseRecipient(entry, e.reply(), "downstream", e.getMessage());
        }
        record.downstreamTls = leg.tls();
        if (!r.positive()) {
            throw refuseRecipient(entry, r.asRefusal(), "downstream", "downstream refused: " + r);
        }
        entry.accepted(v.decidedBy());
        accepted.add(path);
        DecisionNotes.addTags(tags, o.tags());
    }

    /**
     * An extension the client uses that the downstream does not offer (it changed since we
     * advertised it): a temporary refusal, since passing the mail without it would silently drop
     * what the client asked for (a DSN, a UTF-8 address).
     */
    private Reply unsupportedDownstream(EsmtpParameters rcptParams) {
        Set<String> ext = ctx.pool().extensions();
        if (ext == null) {
            return null; // no session opened yet: checked again once one is
        }
        boolean dsn = mailParams.has("RET") || mailParams.has("ENVID") || rcptParams.has("NOTIFY") || rcptParams.has("ORCPT");
        if (dsn && !ext.contains("DSN")) {
            return new Reply(451, "4.3.3", "The mail server does not offer DSN at the moment, try again later");
        }
        if (mailParams.has("SMTPUTF8") && !ext.contains("SMTPUTF8")) {
            return new Reply(451, "4.3.3", "The mail server does not offer SMTPUTF8 at the moment, try again later");
        }
        return null;
    }

    /** BODY= goes on only to a server that offers 8BITMIME; 8-bit content itself always passes byte for byte. */
    private Set<String> dropForDownstream() {
        Set<String> ext = ctx.pool().extensions();
        return ext != null && ext.contains("8BITMIME") ? NOT_PASSED_ON : Set.of("AUTH", "BODY");
    }

    /**
     * A refusal of the client itself (connect or HELO stage) holds for the rest of the session:
     * a client refused for its HELO does not get through by sending another.
     */
    private void rememberClientRefusal(StageOutcome o) {
        Verdict v = DecisionNotes.clientRefusal(o);
        if (state != null && v != null) {
            state.sessionRefusal = v;
        }
    }

    private PolicyTransaction policy() {
        if (policy == null) {
            policy = ctx.policy().begin(client(), sender);
        }
        return policy;
    }

    private void note(List<StageResult> stages) {
        DecisionNotes.rules(record, stages);
    }

    /**
     * Why DATA may not start, or null: the downstream session of this transaction is lost, so no
     * message can reach every recipient the client heard 250 for.
     */
    String refusalBeforeData() {
        if (reportMode || leg.failure() == null) {
            return null;
        }
        return refusal(leg.failureReply(), "downstream",
                "connection to the mail server lost earlier in this transaction: " + leg.failure().getMessage());
    }

    /**
     * The DATA phase, given the session's raw input as the client sends it (dot-stuffed, ended
     * by CRLF.CRLF): our DATA command calls this, not SubEthaSMTP's, see {@link DataReader}.
     */
    @Override
    public String data(InputStream in) throws RejectException, IOException {
        var limits = ctx.config().limits();
        DataReader reader = state == null ? new DataReader(limits.messageSize(), limits.lineLength())
                : state.dataReader(limits.messageSize(), limits.lineLength());
        try (Spool spool = new Spool(ctx.config().spool().directory(), ctx.config().spool().memoryThreshold())) {
            DataReader.Result got;
            try {
                got = reader.read(in, spool, limits.messageSize() * 2 + 1024 * 1024,
                        System.nanoTime() + limits.dataDeadline().toNanos());
            } catch (DataReader.Oversized e) {
                record.size = limits.messageSize();
                leg.release(DownstreamPool.State.OPEN);
                Reply r = new Reply(552, "5.3.4", "Message size exceeds fixed limit");
                throw new DropConnectionException(552, refusal(r, "limits.message_size", e.getMessage()));
            } catch (DataReader.TooSlow e) {
                leg.release(DownstreamPool.State.BROKEN);
                Reply r = new Reply(421, "4.4.2", "Message not received within the time allowed, closing connection");
                throw new DropConnectionException(421, refusal(r, "limits.data_deadline", e.getMessage()));
            }
            record.size = got.size();
            record.messageId = MessageIds.find(got.header());
            ctx.rates().bytes(who(null), got.size());
            switch (got.fault()) {
                case TOO_BIG -> throw reject(new Reply(552, "5.3.4", "Message size exceeds fixed limit of "
                        + limits.messageSize() + " bytes"), "limits.message_size", got.size() + " bytes");
                case BARE_CR_OR_LF -> throw reject(new Reply(554, "5.5.2",
                        "Message refused: bare CR or LF in data, lines must end with CRLF"), "data.bare_newline",
                        "bare CR or LF (SMTP smuggling protection)");
                case LINE_TOO_LONG -> throw reject(new Reply(554, "5.6.0", "Message has a line longer than "
                        + limits.lineLength() + " octets"), "limits.line_length", "line too long");
                case NONE -> { }
            }
            if (got.header().length >= HeaderLimit.BYTES) {
                throw reject(HeaderLimit.TOO_LARGE, "limits.header_size", "header of over " + HeaderLimit.BYTES + " bytes");
            }
            if (reportMode) {
                try {
                    return reports.take(spool, got.size(), record);
                } catch (ReportMailbox.Refusal e) {
                    throw reject(e.reply, "reports", e.getMessage());
                }
            }
            if (!leg.open()) {
                Reply lost = leg.failureReply() != null ? leg.failureReply()
                        : new Reply(451, "4.4.1", "Mail server temporarily unavailable, try again later");
                throw reject(lost, "downstream", "no downstream session for this transaction");
            }
            StageOutcome d = policy().data(MessageFacts.parse(got.header(), got.size(), () -> bodyOf(spool, got.header())),
                    List.copyOf(accepted), state == null ? client().conduct() : state.conduct());
            dataSignals = d.signals();
            note(d.stages());
            ctx.tarpit().delay(d.score());
            if (d.verdict().refused()) {
                Reply refusal = d.verdict().reply();
                throw rejection(refusal.code(), refusal(refusal, d.verdict().decidedBy(), d.verdict().reason()));
            }
            DecisionNotes.addTags(tags, d.tags());
            Signal ar = d.signals().signal("auth.results");
            authResults = ar == null ? null : String.valueOf(ar.value());
            if (d.verdict().kind() == Verdict.Kind.HOLD) {
                return hold(d.verdict(), spool, got);
            }
            DownstreamReply r;
            try (InputStream body = outgoing(spool, got.header())) {
                r = leg.data(prefix(), body);
            } catch (DownstreamException e) {
                throw reject(e.reply(), "downstream", e.getMessage());
            }
            record.downstreamReply = r.toString();
            if (!r.positive()) {
                throw reject(r.asRefusal(), "downstream", "downstream refused the message: " + r);
            }
            record.verdict = "accepted";
            record.decidedBy = "downstream";
            ctx.rates().delivered(who(null), List.copyOf(accepted), got.size());
            ctx.greylist().delivered(session.getRemoteAddress().getAddress(), sender);
            return r.text().isEmpty() ? "2.0.0 Ok [ref " + record.ref + "]" : r.text() + " [ref " + record.ref + "]";
        }
    }

    /**
     * A rule held the message: it is kept, encrypted and durable, as it would have gone to the
     * mail server (our headers in front), and the client hears 250 only once it is. The
     * downstream session of this transaction is reset, unused.
     */
    private String hold(Verdict v, Spool spool, DataReader.Result got) throws RejectException, IOException {
        leg.release(DownstreamPool.State.OPEN);
        java.time.Instant now = java.time.Instant.now();
        var h = new net.portcullis.policy.store.HoldStore.Held(record.ref, now, client().address().getHostAddress(), client().helo(),
                sender, List.copyOf(accepted), got.size(), v.decidedBy(), v.reason(),
                now.plus(ctx.config().hold().retention()), "held", null);
        record.verdict = "held";
        record.decidedBy = v.decidedBy();
        record.reason = v.reason();
        // the decision goes into the store with the hold row, before the 250: as durable as the message
        DecisionNotes.signals(record, policy, dataSignals);
        var decision = ctx.log().stores() ? net.portcullis.gateway.log.DecisionLog.rowNow(record) : null;
        try (InputStream body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(prefix()), outgoing(spool, got.header()))) {
            ctx.holds().hold(h, body, decision);
            record.stored = decision != null;
        } catch (IOException | java.sql.SQLException e) {
            throw reject(new Reply(451, "4.3.0", "Message could not be stored, try again later"), "hold",
                    "holding failed: " + e.getMessage());
        }
        return "2.0.0 Held for review [ref " + record.ref + "]";
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
        if (id == null) { // a cut header never gets here: data() refuses it
            return spool.open();
        }
        byte[] filtered = AuthResultsHeaders.withoutOurs(header, id);
        if (filtered.length == header.length) {
            return spool.open();
        }
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(filtered), bodyOf(spool, header));
    }

    /** What we put in front of the message: our Received header, our Authentication-Results, the headers rules added. */
    private byte[] prefix() {
        byte[] received = receivedHeader();
        String id = ctx.config().checks().authservId();
        if (tags.isEmpty() && id == null) {
            return received;
        }
        StringBuilder b = new StringBuilder(new String(received, java.nio.charset.StandardCharsets.UTF_8));
        if (id != null) {
            b.append(AuthResultsHeaders.header(id, authResults));
        }
        for (StageResult.Tag t : tags) {
            b.append(t.header()).append(": ").append(TagValues.clean(t.value())).append("\r\n");
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private byte[] receivedHeader() {
        Client c = client();
        String proto = null;
        String cipher = null;
        if (session.getSocket() instanceof SSLSocket s) {
            SSLSession ss = s.getSession();
            proto = ss.getProtocol();
            cipher = ss.getCipherSuite();
        }
        // Only a forward-confirmed name goes into Received (Postfix writes "unknown" otherwise):
        // a PTR record alone is whatever the owner of the address block chose to write.
        String confirmed = confirmedName();
        return ReceivedHeader.build(new ReceivedHeader.Facts(c.helo(), state != null && state.ehlo, confirmed,
                c.address().getHostAddress(), ctx.config().hostname(), proto, cipher, c.authenticated(), record.ref, accepted,
                ZonedDateTime.now()));
    }

    /** Who this transaction is for, as XCLIENT tells the protected server (downstream_options.xclient). */
    private net.portcullis.gateway.downstream.XClient xclient() {
        Client c = client();
        return new net.portcullis.gateway.downstream.XClient(c.address(), session.getRemoteAddress().getPort(), confirmedName(),
                c.ptrFailure() != null, c.helo(), state == null || state.ehlo, c.authUser());
    }

    /** The client's reverse name when the forward-confirmed reverse DNS check confirmed it, else null. */
    private String confirmedName() {
        Object fcrdns = null;
        SignalMap early = policy == null ? null : policy.early();
        if (early != null) {
            Signal s = early.signal("client.fcrdns");
            fcrdns = s == null ? null : s.value();
        }
        return Boolean.TRUE.equals(fcrdns) ? client().reverseName() : null;
    }

    private Client client() {
        if (client == null) {
            InetAddress addr = session.getRemoteAddress().getAddress();
            DnsAnswer ptr = state == null ? DnsAnswer.nxdomain("no session")
                    : state.reverse(ConnectionGate.lookupWait(ctx.config().dns().timeout()));
            String user = session.getAuthenticationHandler().map(AuthenticationHandler::getIdentity)
                    .map(Object::toString).orElse(null);
            client = new Client(addr, ptr.found() ? ptr.values().get(0) : null, session.getHelo().orElse(null),
                    session.isTLSStarted(), user, ptr.status() == DnsAnswer.Status.TEMPFAIL ? ptr.detail() : null,
                    state == null ? null : state.greeting, state == null ? null : state.conduct());
        }
        return client;
    }

    private RejectException refuseRecipient(DecisionRecord.Recipient entry, Reply reply, String by, String why) {
        entry.refused(reply.permanent(), by, why, reply.line(record.ref));
        ctx.rates().refused(who(entry.address()));
        return rejection(reply.code(), reply.status() + " " + reply.text() + " " + note());
    }

    /** 421 means "closing the channel" (RFC 5321 3.8): a rule that says it (a rate limit) ends the session. */
    private static RejectException rejection(int code, String text) {
        return code == 421 ? new DropConnectionException(421, text) : new RejectException(code, text);
    }

    /**
     * Who a rate limit counts: the client, the sender, the AUTH user and, at RCPT, the recipient.
     * From the session directly: counting never waits for the reverse lookup that client() may.
     */
    private net.portcullis.policy.rate.RateLimits.Who who(String recipient) {
        String user = session.getAuthenticationHandler().map(AuthenticationHandler::getIdentity).map(Object::toString).orElse(null);
        return new net.portcullis.policy.rate.RateLimits.Who(session.getRemoteAddress().getAddress(), sender, user, recipient);
    }

    private RejectException reject(Reply reply, String by, String why) {
        return new RejectException(reply.code(), refusal(reply, by, why));
    }

    private String refusal(Reply reply, String by, String why) {
        record.verdict = reply.permanent() ? "rejected" : "tempfail";
        record.decidedBy = by;
        record.reason = why;
        if (record.downstreamReply == null && "downstream".equals(by)) {
            record.downstreamReply = reply.code() + " " + reply.text();
        }
        return reply.status() + " " + reply.text() + " " + note();
    }

    private String note() {
        return RefNote.of(record.ref, ctx.config().review().refUrl());
    }

    @Override
    public void done() {
        leg.release(DownstreamPool.State.OPEN);
        if (!started) {
            return;
        }
        ctx.inflight().leave();
        record.settleWithoutData(!accepted.isEmpty());
        Client c = client();
        record.client = c.address().getHostAddress();
        record.clientName = c.reverseName();
        record.helo = c.helo();
        record.tls = session.getSocket() instanceof SSLSocket s ? s.getSession().getProtocol() : null;
        record.authUser = c.authUser();
        record.sender = sender;
        DecisionNotes.write(ctx, record, policy, dataSignals, startNanos);
    }
}
