package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.DownstreamPool;
import net.portcullis.gateway.downstream.DownstreamReply;
import net.portcullis.policy.Client;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP transaction, relayed in-line: the downstream session is opened at the first
 * recipient our policy accepts, each RCPT is passed on and its answer returned, and the
 * client's end-of-DATA answer is the downstream's. Any fault on the way becomes a 4xx, so the
 * client hears 250 only for mail the protected server took.
 */
final class Transaction implements MessageHandler {
    private final GatewayContext ctx;
    private final Session session;
    private final SessionState state;
    private final String ref = RefIds.next();
    private final long startNanos = System.nanoTime();
    private final List<Map<String, Object>> recipients = new ArrayList<>();
    private final List<String> accepted = new ArrayList<>();
    private final List<StageResult.Tag> tags = new ArrayList<>();
    private final List<Map<String, Object>> rulesHit = new ArrayList<>();
    private PolicyTransaction policy;
    private SignalMap dataSignals;
    private DownstreamPool.Lease lease;
    private boolean downstreamHasMail;
    private String sender;
    private Client client;
    private String verdict = "aborted";
    private String decidedBy;
    private String reason;
    private String downstreamReply;
    private String downstreamTls;
    private String authResults;
    private String messageId;
    private long size = -1;
    private boolean started;
    private boolean reportMode;

    Transaction(GatewayContext ctx, Session session) {
        this.ctx = ctx;
        this.session = session;
        this.state = ctx.gate().state(session);
    }

    @Override
    public void from(String from) throws RejectException {
        if (ctx.gate().draining()) {
            throw new DropConnectionException(421, refusal(new Reply(421, "4.3.2", "Service shutting down, try again later"),
                    "shutdown", "gateway is draining"));
        }
        started = true;
        ctx.inflight().enter();
        if (!from.isEmpty()) {
            try {
                MailAddress.parse(from);
            } catch (MailAddress.InvalidAddress e) {
                throw reject(Reply.sanitized(501, "5.1.7", "Bad sender address syntax: " + e.problem().reason()),
                        "mail.syntax", e.problem().reason());
            }
        }
        sender = from;
    }

    @Override
    public void recipient(String path) throws RejectException {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("address", path);
        recipients.add(entry);
        if (accepted.size() >= ctx.config().limits().recipients()) {
            throw refuseRecipient(entry, new Reply(452, "4.5.3", "Too many recipients"), "limits.recipients",
                    "more than " + ctx.config().limits().recipients() + " recipients");
        }
        if (isReportAddress(path)) {
            if (!accepted.isEmpty() && !reportMode) {
                throw refuseRecipient(entry, new Reply(452, "4.5.3", "Send spam reports in a transaction of their own"),
                        "reports", "report address mixed with other recipients");
            }
            reportMode = true;
            entry.put("outcome", "accepted");
            entry.put("decided_by", "reports");
            accepted.add(path);
            return;
        }
        if (reportMode) {
            throw refuseRecipient(entry, new Reply(452, "4.5.3", "Send spam reports in a transaction of their own"),
                    "reports", "report address mixed with other recipients");
        }
        if (state != null && state.sessionRefusal != null) {
            Verdict earlier = state.sessionRefusal;
            throw refuseRecipient(entry, earlier.reply(), earlier.decidedBy(), "refused earlier in this session: " + earlier.reason());
        }
        StageOutcome o = policy().recipient(path);
        entry.put("signals", json(o.signals()));
        note(o.stages());
        Verdict v = o.verdict();
        if (v.refused()) {
            rememberClientRefusal(o);
            throw refuseRecipient(entry, v.reply(), v.decidedBy(), v.reason());
        }
        entry.put("decided_by", v.decidedBy());
        DownstreamReply r = passOn(path, entry);
        if (!r.positive()) {
            throw refuseRecipient(entry, r.asRefusal(), "downstream", "downstream refused: " + r);
        }
        entry.put("outcome", "accepted");
        accepted.add(path);
        for (StageResult.Tag t : o.tags()) {
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
    }

    /**
     * A refusal of the client itself (connect or HELO stage) holds for the rest of the session:
     * a client refused for its HELO does not get through by sending another.
     */
    private void rememberClientRefusal(StageOutcome o) {
        if (state == null || o.stages().isEmpty()) {
            return;
        }
        StageResult decider = o.stages().get(o.stages().size() - 1);
        if (decider.verdict().refused() && (decider.stage() == net.portcullis.rules.Stage.CONNECT
                || decider.stage() == net.portcullis.rules.Stage.HELO)) {
            state.sessionRefusal = o.verdict();
        }
    }

    private boolean isReportAddress(String path) {
        String a = ctx.config().reports().address();
        if (a == null || ctx.reports() == null) {
            return false;
        }
        String p = path.strip();
        if (p.startsWith("<") && p.endsWith(">")) {
            p = p.substring(1, p.length() - 1);
        }
        return p.equalsIgnoreCase(a);
    }

    /** A spam report sent to reports.address: taken in here, never relayed. */
    private String takeReport(Spool spool) throws RejectException, IOException {
        if (size > net.portcullis.policy.reports.ReportParser.MAX_REPORT_SIZE) {
            throw reject(new Reply(552, "5.3.4", "Report too large"), "reports", size + " bytes");
        }
        byte[] raw;
        try (InputStream in = spool.open()) {
            raw = in.readAllBytes();
        }
        try {
            net.portcullis.policy.reports.ReportIntake.Outcome o = ctx.reports().ingest(raw);
            verdict = "accepted";
            decidedBy = "reports";
            reason = o.listed() == null ? "report stored" : "report stored; " + o.report().sourceIp() + " blacklisted";
            return "2.0.0 Report accepted, thank you [ref " + ref + "]";
        } catch (net.portcullis.policy.reports.ReportRefused e) {
            throw reject(Reply.sanitized(550, "5.6.0", "Report refused: " + e.getMessage()), "reports", e.getMessage());
        } catch (java.sql.SQLException e) {
            throw reject(new Reply(451, "4.3.0", "Report could not be stored, try again later"), "reports", e.getMessage());
        }
    }

    private PolicyTransaction policy() {
        if (policy == null) {
            policy = ctx.policy().begin(client(), sender);
        }
        return policy;
    }

    /** Rules that matched, watched (monitor) or failed, for the decision log; monitor hits also to the log. */
    private void note(List<StageResult> stages) {
        for (StageResult r : stages) {
            for (StageResult.Trace t : r.trace()) {
                if (t.outcome().equals("matched") || t.outcome().equals("monitor") || t.outcome().equals("error")) {
                    Map<String, Object> hit = new LinkedHashMap<>();
                    hit.put("stage", r.stage().keyword());
                    hit.put("rule", t.rule());
                    hit.put("outcome", t.outcome());
                    hit.put("detail", t.detail());
                    if (!rulesHit.contains(hit)) {
                        rulesHit.add(hit);
                    }
                    if (t.outcome().equals("monitor")) {
                        MONITOR.info("[ref {}] monitor rule {} {}", ref, t.rule(), t.detail());
                    }
                }
            }
        }
    }

    private static final org.slf4j.Logger MONITOR = org.slf4j.LoggerFactory.getLogger("portcullis.monitor");

    private static Map<String, Object> json(SignalMap m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.own().values().forEach(s -> out.put(s.name(), s.value() instanceof InetAddress a ? a.getHostAddress() : s.value()));
        m.ownErrors().forEach((k, v) -> out.put(k, Map.of("unavailable", v)));
        return out;
    }

    /** MAIL (once) and RCPT to the downstream; a dead reused connection is replaced once. */
    private DownstreamReply passOn(String rcpt, Map<String, Object> entry) throws RejectException {
        try {
            if (lease == null) {
                lease = ctx.pool().acquire();
                downstreamTls = lease.connection().tls();
            }
            if (!downstreamHasMail) {
                DownstreamReply m;
                try {
                    m = lease.connection().mail(sender);
                } catch (DownstreamException e) {
                    if (!lease.wasReused()) {
                        throw e;
                    }
                    lease.release(DownstreamPool.State.BROKEN);
                    lease = ctx.pool().fresh();
                    downstreamTls = lease.connection().tls();
                    m = lease.connection().mail(sender);
                }
                if (!m.positive()) {
                    return m;
                }
                downstreamHasMail = true;
            }
            return lease.connection().rcpt(rcpt);
        } catch (DownstreamException e) {
            releaseDownstream(DownstreamPool.State.BROKEN);
            throw refuseRecipient(entry, e.reply(), "downstream", e.getMessage());
        }
    }

    /**
     * The DATA phase, given the session's raw input as the client sends it (dot-stuffed, ended
     * by CRLF.CRLF): our DATA command calls this, not SubEthaSMTP's, see {@link DataReader}.
     */
    @Override
    public String data(InputStream in) throws RejectException, IOException {
        DataReader reader = new DataReader(ctx.config().limits().messageSize(), ctx.config().limits().lineLength());
        try (Spool spool = new Spool(ctx.config().spool().directory(), ctx.config().spool().memoryThreshold())) {
            DataReader.Result got;
            try {
                got = reader.read(in, spool, ctx.config().limits().messageSize() * 2 + 1024 * 1024);
            } catch (DataReader.Oversized e) {
                size = ctx.config().limits().messageSize();
                releaseDownstream(DownstreamPool.State.OPEN);
                Reply r = new Reply(552, "5.3.4", "Message size exceeds fixed limit");
                throw new DropConnectionException(552, refusal(r, "limits.message_size", e.getMessage()));
            }
            size = got.size();
            messageId = MessageIds.find(got.header());
            switch (got.fault()) {
                case TOO_BIG -> throw reject(new Reply(552, "5.3.4", "Message size exceeds fixed limit of "
                        + ctx.config().limits().messageSize() + " bytes"), "limits.message_size", size + " bytes");
                case BARE_CR_OR_LF -> throw reject(new Reply(554, "5.5.2",
                        "Message refused: bare CR or LF in data, lines must end with CRLF"), "data.bare_newline",
                        "bare CR or LF (SMTP smuggling protection)");
                case LINE_TOO_LONG -> throw reject(new Reply(554, "5.6.0", "Message has a line longer than "
                        + ctx.config().limits().lineLength() + " octets"), "limits.line_length", "line too long");
                case NONE -> { }
            }
            if (reportMode) {
                return takeReport(spool);
            }
            if (lease == null) {
                throw reject(new Reply(451, "4.4.1", "Mail server temporarily unavailable, try again later"),
                        "downstream", "no downstream session");
            }
            StageOutcome d = policy().data(MessageFacts.parse(got.header(), size, () -> bodyOf(spool, got.header())),
                    accepted.stream().map(a -> a.strip().replaceAll("^<|>$", "")).toList());
            dataSignals = d.signals();
            note(d.stages());
            if (d.verdict().refused()) {
                throw reject(d.verdict().reply(), d.verdict().decidedBy(), d.verdict().reason());
            }
            for (StageResult.Tag t : d.tags()) {
                if (!tags.contains(t)) {
                    tags.add(t);
                }
            }
            Signal ar = d.signals().signal("auth.results");
            authResults = ar == null ? null : String.valueOf(ar.value());
            DownstreamReply r;
            try (InputStream body = outgoing(spool, got.header())) {
                r = lease.connection().data(prefix(), body);
            } catch (DownstreamException e) {
                releaseDownstream(DownstreamPool.State.BROKEN);
                throw reject(e.reply(), "downstream", e.getMessage());
            }
            releaseDownstream(DownstreamPool.State.FINISHED);
            downstreamReply = r.toString();
            if (!r.positive()) {
                throw reject(r.asRefusal(), "downstream", "downstream refused the message: " + r);
            }
            verdict = "accepted";
            decidedBy = "downstream";
            return r.text().isEmpty() ? "2.0.0 Ok [ref " + ref + "]" : r.text() + " [ref " + ref + "]";
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
        boolean wholeHeader = header.length < DataReader.HEADER_CAPTURE_LIMIT;
        if (id == null || !wholeHeader) {
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
        return ReceivedHeader.build(new ReceivedHeader.Facts(c.helo(), state != null && state.ehlo, c.reverseName(),
                c.address().getHostAddress(), ctx.config().hostname(), proto, cipher, c.authenticated(), ref, accepted,
                ZonedDateTime.now()));
    }

    private Client client() {
        if (client == null) {
            InetAddress addr = session.getRemoteAddress().getAddress();
            net.portcullis.policy.dns.DnsAnswer ptr = state == null ? net.portcullis.policy.dns.DnsAnswer.nxdomain("no session")
                    : state.reverse(ConnectionGate.lookupWait(ctx.config().dns().timeout()));
            String user = session.getAuthenticationHandler().map(AuthenticationHandler::getIdentity)
                    .map(Object::toString).orElse(null);
            client = new Client(addr, ptr.found() ? ptr.values().get(0) : null, session.getHelo().orElse(null),
                    session.isTLSStarted(), user, ptr.status() == net.portcullis.policy.dns.DnsAnswer.Status.TEMPFAIL ? ptr.detail() : null);
        }
        return client;
    }

    private RejectException refuseRecipient(Map<String, Object> entry, Reply reply, String by, String why) {
        entry.put("outcome", reply.permanent() ? "rejected" : "tempfail");
        entry.put("decided_by", by);
        entry.put("reason", why);
        entry.put("reply", reply.line(ref));
        return new RejectException(reply.code(), reply.status() + " " + reply.text() + " [ref " + ref + "]");
    }

    private RejectException reject(Reply reply, String by, String why) {
        return new RejectException(reply.code(), refusal(reply, by, why));
    }

    private String refusal(Reply reply, String by, String why) {
        verdict = reply.permanent() ? "rejected" : "tempfail";
        decidedBy = by;
        reason = why;
        downstreamReply = downstreamReply == null && "downstream".equals(by) ? reply.code() + " " + reply.text() : downstreamReply;
        return reply.status() + " " + reply.text() + " [ref " + ref + "]";
    }

    private void releaseDownstream(DownstreamPool.State st) {
        if (lease != null) {
            lease.release(st);
            lease = null;
            downstreamHasMail = false;
        }
    }

    @Override
    public void done() {
        releaseDownstream(DownstreamPool.State.OPEN);
        if (!started) {
            return;
        }
        ctx.inflight().leave();
        if (verdict.equals("aborted") && accepted.isEmpty() && !recipients.isEmpty()) {
            // Every recipient was refused: the transaction's verdict is the first refusal.
            Map<String, Object> first = recipients.get(0);
            verdict = String.valueOf(first.get("outcome"));
            decidedBy = (String) first.get("decided_by");
            reason = (String) first.get("reason");
        }
        Client c = client();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", Instant.now().toString());
        rec.put("ref", ref);
        rec.put("event", "transaction");
        rec.put("client", c.address().getHostAddress());
        rec.put("client_name", c.reverseName());
        rec.put("helo", c.helo());
        rec.put("tls", tlsProtocol().orElse(null));
        rec.put("auth_user", c.authUser());
        rec.put("sender", sender);
        rec.put("recipients", recipients);
        rec.put("size", size < 0 ? null : size);
        rec.put("message_id", messageId);
        rec.put("verdict", verdict);
        rec.put("decided_by", decidedBy);
        rec.put("reason", reason);
        rec.put("downstream_reply", downstreamReply);
        rec.put("downstream_tls", downstreamTls);
        Map<String, Object> sig = new LinkedHashMap<>();
        if (policy != null) {
            sig.putAll(json(policy.early()));
        }
        if (dataSignals != null) {
            sig.putAll(json(dataSignals));
        }
        rec.put("signals", sig);
        rec.put("rules", rulesHit);
        long took = System.nanoTime() - startNanos;
        rec.put("latency_ms", took / 1_000_000);
        ctx.metrics().transaction(verdict, java.time.Duration.ofNanos(took));
        ctx.log().write(rec);
    }

    private Optional<String> tlsProtocol() {
        return session.getSocket() instanceof SSLSocket s ? Optional.of(s.getSession().getProtocol()) : Optional.empty();
    }
}
