package net.portcullis.gateway.session;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.policy.Client;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.EnvelopeSyntax;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;

/**
 * One mail transaction as the gateway decides it, in either shape: the proxy's SMTP commands and
 * the milter's packets are decoded into these calls, and each {@link Step} is said back in the
 * shape's own protocol. Here, once: the order of the gateway's own checks at MAIL, RCPT and the
 * end of DATA, the policy stages, the report mailbox, holding, the observers of the check
 * modules, and the one {@link DecisionRecord}, written once when the transaction ends.
 *
 * <p>Not thread-safe: one transaction is driven by one thread at a time, as SMTP is.
 */
public final class MailTransaction {
    private final GatewayContext ctx;
    private final MailSession session;
    private final DecisionRecord record = new DecisionRecord(RefIds.next());
    private final long startNanos = System.nanoTime();
    private final ReportMailbox reports;
    private final String via;
    private final List<String> accepted = new ArrayList<>();
    private final List<StageResult.Tag> tags = new ArrayList<>();
    private PolicyTransaction policy;
    private Client client;
    private SignalMap dataSignals;
    private String sender = "";
    private boolean smtputf8;
    private boolean reportMode;
    private boolean started;
    private boolean written;

    /** @param via how the mail came: null for the in-line proxy, "milter" for an MTA's milter connection */
    public MailTransaction(GatewayContext ctx, MailSession session, String via) {
        this.ctx = ctx;
        this.session = session;
        this.via = via;
        this.reports = new ReportMailbox(ctx.config().reports().address(), ctx.reports());
    }

    public String ref() {
        return record.ref;
    }

    /** The record this transaction writes at its end; the shape notes what only it knows (downstream TLS, the downstream's reply). */
    public DecisionRecord record() {
        return record;
    }

    public String sender() {
        return sender;
    }

    public List<String> accepted() {
        return List.copyOf(accepted);
    }

    public boolean anyAccepted() {
        return !accepted.isEmpty();
    }

    /** The transaction is a spam report to reports.address: no policy, taken by the report intake. */
    public boolean reportMode() {
        return reportMode;
    }

    public GatewayContext context() {
        return ctx;
    }

    /** MAIL FROM (its parameters checked by the shape): refused while draining or for its syntax. */
    public Step mail(String from, boolean utf8) {
        started = true;
        ctx.inflight().enter();
        sender = from;
        smtputf8 = utf8;
        if (ctx.drain().draining()) {
            return refused(Refusals.SHUTTING_DOWN, "shutdown", "gateway is draining");
        }
        ctx.observers().onMail(party(null));
        EnvelopeSyntax.Refusal bad = EnvelopeSyntax.sender(from, utf8);
        return bad == null ? Step.GO : refused(bad.reply(), bad.decidedBy(), bad.reason());
    }

    /**
     * One RCPT, in this order: the recipient limit, the report mailbox (reports come alone), the
     * shape's lost downstream, a refusal of the client earlier in the session, UTF-8 without
     * SMTPUTF8, the policy (relay and every rule), then the shape passes it on.
     */
    public Step recipient(String path, boolean utf8Parameter, Onward onward) {
        DecisionRecord.Recipient entry = record.recipient(path);
        ctx.observers().onRecipient(party(path));
        int max = ctx.config().limits().recipients();
        if (accepted.size() >= max) {
            return refuse(entry, new Refusal(Refusals.TOO_MANY_RECIPIENTS, "limits.recipients", "more than " + max + " recipients"));
        }
        boolean forReports = reports.isFor(path);
        if (forReports || reportMode) {
            if (!forReports || (!reportMode && !accepted.isEmpty())) {
                return refuse(entry, new Refusal(Refusals.REPORTS_ALONE, "reports", "report address mixed with other recipients"));
            }
            reportMode = true;
            entry.accepted("reports");
            accepted.add(path);
            return Step.GO;
        }
        Refusal lost = onward.lost();
        if (lost != null) {
            return refuse(entry, lost);
        }
        Verdict earlier = session.sessionRefusal();
        if (earlier != null) {
            return refuse(entry, new Refusal(earlier.reply(), earlier.decidedBy(), "refused earlier in this session: " + earlier.reason()));
        }
        if (!utf8Parameter && !smtputf8 && !MailAddress.isAscii(path)) {
            return refuse(entry, new Refusal(Refusals.NEEDS_SMTPUTF8, "rcpt.syntax", "UTF-8 recipient without SMTPUTF8"));
        }
        StageOutcome o = policy().recipient(path);
        entry.signals(o.signals().toJson());
        DecisionNotes.rules(record, o.stages());
        ctx.observers().onScored(o.score());
        Verdict v = o.verdict();
        if (v.refused()) {
            Verdict ofClient = DecisionNotes.clientRefusal(o);
            if (ofClient != null) {
                session.refuseSession(ofClient);
            }
            return refuse(entry, new Refusal(v.reply(), v.decidedBy(), v.reason()));
        }
        Refusal onwards = onward.recipient(path);
        if (onwards != null) {
            return refuse(entry, onwards);
        }
        entry.accepted(v.decidedBy());
        accepted.add(path);
        DecisionNotes.addTags(tags, o.tags());
        return Step.GO;
    }

    /**
     * The message has come in full: its size and Message-ID noted, then the gateway's own limits
     * (message size, header size). {@code header} is the header block as kept (at most
     * {@link HeaderLimit#BYTES}), {@code headerOctets} its size as sent.
     */
    public Step received(long size, byte[] header, long headerOctets) {
        record.size = size;
        record.messageId = MessageIds.find(header);
        ctx.observers().onData(party(null), size);
        long max = ctx.config().limits().messageSize();
        if (size > max) {
            return refused(Refusals.tooBig(max), "limits.message_size", size + " bytes");
        }
        if (headerOctets >= HeaderLimit.BYTES) {
            return refused(HeaderLimit.TOO_LARGE, "limits.header_size", "header of " + headerOctets + " bytes");
        }
        return Step.GO;
    }

    /** A spam report (see {@link #reportMode}), the whole message in {@code whole}: taken, or refused. */
    public Step report(Spool whole, long size) throws IOException {
        try {
            return Step.taken(reports.take(whole, size, record, session.authUser(),
                    ctx.config().trustedNetworks().match(session.address()).isPresent()));
        } catch (ReportMailbox.Refusal e) {
            return refused(e.reply, "reports", e.getMessage());
        }
    }

    /**
     * The data stage: the rules decide on the message. Refused, or deliver or hold with the
     * headers to add; the shape then delivers (and calls {@link #delivered}) or holds
     * ({@link #keep} or {@link #heldBy}).
     */
    public Step data(byte[] header, long size, MessageFacts.BodySource body) {
        StageOutcome d = policy().data(MessageFacts.parse(header, size, body), List.copyOf(accepted), session.conduct());
        dataSignals = d.signals();
        DecisionNotes.rules(record, d.stages());
        ctx.observers().onScored(d.score());
        Verdict v = d.verdict();
        if (v.refused()) {
            return refused(v.reply(), v.decidedBy(), v.reason());
        }
        DecisionNotes.addTags(tags, d.tags());
        String ar = null;
        if (ctx.config().checks().authservId() != null) {
            Signal s = d.signals().signal("auth.results");
            ar = s == null ? "" : String.valueOf(s.value());
        }
        return v.kind() == Verdict.Kind.HOLD ? Step.hold(ar, tags, v) : Step.deliver(ar, tags, v);
    }

    /** The message went where it was going: the protected server took it (proxy), or the MTA will deliver it (milter). */
    public void delivered(String decidedBy, String downstreamReply) {
        record.verdict = "accepted";
        record.decidedBy = decidedBy;
        if (downstreamReply != null) {
            record.downstreamReply = downstreamReply;
        }
        ctx.observers().onDelivered(party(null), List.copyOf(accepted), record.size);
    }

    /**
     * A rule held the message: it is kept in our hold store, encrypted and durable, as it would
     * have gone on (our headers in front); the decision goes into the store with it, before the
     * 250, so it is as durable as the message. Taken, or 451 when it could not be stored.
     */
    public Step keep(Verdict v, InputStream message) {
        Instant now = Instant.now();
        Client c = client();
        var h = new HoldStore.Held(record.ref, now, c.address().getHostAddress(), c.helo(), sender, List.copyOf(accepted),
                record.size, v.decidedBy(), v.reason(), now.plus(ctx.config().hold().retention()), "held", null);
        record.verdict = "held";
        record.decidedBy = v.decidedBy();
        record.reason = v.reason();
        DecisionNotes.signals(record, policy, dataSignals);
        var decision = ctx.log().stores() ? ctx.log().rowNow(record) : null;
        try (message) {
            ctx.holds().hold(h, message, decision);
            record.stored = decision != null;
        } catch (IOException | java.sql.SQLException e) {
            return refused(Refusals.NOT_STORED, "hold", "holding failed: " + e.getMessage());
        }
        return Step.taken("2.0.0 Held for review [ref " + record.ref + "]");
    }

    /** A rule held the message and someone else keeps it (the MTA's hold queue): noted so. */
    public void heldBy(Verdict v, String where) {
        record.verdict = "held";
        record.decidedBy = v.decidedBy();
        record.reason = v.reason() + " (" + where + ")";
    }

    /** The transaction's refusal by the shape (its own limits, the downstream): recorded, and the reply to give. */
    public Reply refuse(Refusal r) {
        record.verdict = r.reply().permanent() ? "rejected" : "tempfail";
        record.decidedBy = r.by();
        record.reason = r.why();
        if (record.downstreamReply == null && "downstream".equals(r.by())) {
            record.downstreamReply = r.reply().code() + " " + r.reply().text();
        }
        return withNote(r.reply());
    }

    private Step refused(Reply reply, String by, String why) {
        return Step.refused(refuse(new Refusal(reply, by, why)));
    }

    private Step refuse(DecisionRecord.Recipient entry, Refusal r) {
        entry.refused(r.reply().permanent(), r.by(), r.why(), r.reply().line(record.ref));
        ctx.observers().onRefused(party(entry.address()));
        return Step.refused(withNote(r.reply()));
    }

    private Reply withNote(Reply r) {
        return new Reply(r.code(), r.status(), r.text() + " " + RefNote.of(record.ref, ctx.config().review().refUrl()));
    }

    /** The client's reverse name when the forward-confirmed reverse DNS check confirmed it, else null. */
    public String confirmedName() {
        SignalMap early = policy == null ? null : policy.early();
        Signal s = early == null ? null : early.signal("client.fcrdns");
        return s != null && Boolean.TRUE.equals(s.value()) ? client().reverseName() : null;
    }

    /** The client as the policy sees it (waits for the reverse lookup started at connect, within its timeout). */
    public Client client() {
        if (client == null) {
            client = session.policyClient(MailSession.lookupWait(ctx.config().dns().timeout()));
        }
        return client;
    }

    private PolicyTransaction policy() {
        if (policy == null) {
            policy = ctx.policy().begin(client(), sender);
        }
        return policy;
    }

    private Party party(String recipient) {
        return new Party(session.address(), sender, session.authUser(), recipient);
    }

    /** Writes the decision once: when the transaction ends (done, abort, or the connection closing). */
    public void end(String queueId) {
        if (!started || written) {
            return;
        }
        written = true;
        ctx.inflight().leave();
        record.settleWithoutData(!accepted.isEmpty());
        record.client = session.address().getHostAddress();
        record.clientName = client == null ? session.reverseName() : client.reverseName();
        record.helo = session.helo();
        record.tls = session.tls();
        record.authUser = session.authUser();
        record.sender = sender;
        record.queueId = queueId;
        record.via = via;
        if (via != null) {
            record.mta = session.mta();
        }
        DecisionNotes.write(ctx, record, policy, dataSignals, startNanos);
    }
}
