package net.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.gateway.smtp.AuthResultsHeaders;
import net.portcullis.gateway.smtp.DecisionNotes;
import net.portcullis.gateway.smtp.GatewayContext;
import net.portcullis.gateway.smtp.MessageIds;
import net.portcullis.gateway.smtp.RefIds;
import net.portcullis.gateway.smtp.RefNote;
import net.portcullis.gateway.smtp.ReportMailbox;
import net.portcullis.gateway.smtp.Spool;
import net.portcullis.gateway.smtp.TagValues;
import net.portcullis.policy.Client;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.PolicyTransaction;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.rate.RateLimits;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mail transaction as the MTA reports it over milter: the same policy stages as the in-line
 * proxy's (connect, HELO and MAIL decided at each RCPT, the data stage at the end of the
 * message), answered as milter replies. The MTA queues and delivers; what was decided goes into
 * the same {@link DecisionRecord}, with the MTA's queue id, written once when the transaction
 * ends (end of message, abort, or the MTA's connection closing).
 */
final class MilterTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(MilterTransaction.class);
    /** The header block kept for the checks, as the proxy's DataReader keeps it; a larger one is refused, as there. */
    static final int HEADER_LIMIT = net.portcullis.gateway.smtp.HeaderLimit.BYTES;
    /** Forged Authentication-Results removed at most: a message with more is refused rather than passed with some left. */
    static final int MAX_FORGED = 1000;


    private final GatewayContext ctx;
    private final MilterClient client;
    private final DecisionRecord record = new DecisionRecord(RefIds.next());
    private final long startNanos = System.nanoTime();
    private final String sender;
    private final boolean smtputf8;
    private final ReportMailbox reports;
    private final List<String> accepted = new ArrayList<>();
    private final List<StageResult.Tag> tags = new ArrayList<>();
    /** How many Authentication-Results headers came, and the positions (1-based, CHGHEADER's index) of those claiming our authserv-id. */
    private int authResultsSeen;
    private final List<Integer> forgedAuthResults = new ArrayList<>();
    private final ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
    private Spool body;
    private long size;
    private long headerBytes;
    private boolean headerEnded;
    private PolicyTransaction policy;
    private SignalMap dataSignals;
    private boolean reportMode;
    private boolean written;

    MilterTransaction(GatewayContext ctx, MilterClient client, String sender, boolean smtputf8) {
        this.ctx = ctx;
        this.client = client;
        this.sender = sender;
        this.smtputf8 = smtputf8;
        this.reports = new ReportMailbox(ctx.config().reports().address(), ctx.reports());
        ctx.inflight().enter();
    }

    /** The MAIL stage: what the proxy checks of the sender itself; null to go on, else the refusal. */
    Reply mail() {
        if (ctx.gate().draining()) {
            return refusal(new Reply(421, "4.3.2", "Service shutting down, try again later"), "shutdown", "gateway is draining");
        }
        ctx.rates().mail(who(null));
        if (sender.isEmpty()) {
            return null;
        }
        net.portcullis.policy.EnvelopeSyntax.Refusal bad = net.portcullis.policy.EnvelopeSyntax.sender(sender, smtputf8);
        return bad == null ? null : refusal(bad.reply(), bad.decidedBy(), bad.reason());
    }

    /**
     * One RCPT: the relay stage still applies (a recipient of another domain from an untrusted
     * client is refused even where the MTA would relay), then the rules. Null: accepted.
     */
    Reply recipient(String path, boolean utf8Parameter) {
        DecisionRecord.Recipient entry = record.recipient(path);
        ctx.rates().recipient(who(path));
        int max = ctx.config().limits().recipients();
        if (accepted.size() >= max) {
            return refuseRecipient(entry, new Reply(452, "4.5.3", "Too many recipients"), "limits.recipients",
                    "more than " + max + " recipients");
        }
        boolean forReports = reports.isFor(path);
        if (forReports || reportMode) {
            if (!forReports || (!reportMode && !accepted.isEmpty())) {
                return refuseRecipient(entry, new Reply(452, "4.5.3", "Send spam reports in a transaction of their own"),
                        "reports", "report address mixed with other recipients");
            }
            reportMode = true;
            entry.accepted("reports");
            accepted.add(path);
            return null;
        }
        Verdict earlier = client.sessionRefusal();
        if (earlier != null) {
            return refuseRecipient(entry, earlier.reply(), earlier.decidedBy(), "refused earlier in this session: " + earlier.reason());
        }
        if (!utf8Parameter && !smtputf8 && !MailAddress.isAscii(path)) {
            return refuseRecipient(entry, new Reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"),
                    "rcpt.syntax", "UTF-8 recipient without SMTPUTF8");
        }
        StageOutcome o = DecisionNotes.recipient(ctx, policy(), record, entry, path);
        Verdict v = o.verdict();
        if (v.refused()) {
            Verdict ofClient = DecisionNotes.clientRefusal(o);
            if (ofClient != null) {
                client.refuseSession(ofClient);
            }
            return refuseRecipient(entry, v.reply(), v.decidedBy(), v.reason());
        }
        entry.accepted(v.decidedBy());
        accepted.add(path);
        DecisionNotes.addTags(tags, o.tags());
        return null;
    }

    /** Whether any recipient was accepted: without one the MTA sends no message. */
    boolean anyAccepted() {
        return !accepted.isEmpty();
    }

    /**
     * One header as the MTA sends it: the value's folded lines separated by LF, with its leading
     * space when the MTA keeps it (SMFIP_HDR_LEADSPC).
     */
    void header(String name, String value, boolean leadingSpaceKept) {
        if (name.equalsIgnoreCase("Authentication-Results")) {
            authResultsSeen++;
            String id = ctx.config().checks().authservId();
            if (id != null && AuthResultsHeaders.claims(value, id) && forgedAuthResults.size() <= MAX_FORGED) {
                forgedAuthResults.add(0, authResultsSeen); // the highest first: removing one never shifts another still to remove
            }
        }
        String v = value.replace("\r\n", "\n").replace("\n", "\r\n");
        byte[] line = (name + (leadingSpaceKept ? ":" : ": ") + v + "\r\n").getBytes(StandardCharsets.UTF_8);
        size += line.length;
        headerBytes += line.length;
        if (headerBlock.size() + line.length <= HEADER_LIMIT) {
            headerBlock.writeBytes(line);
        }
    }

    void endOfHeader() {
        if (!headerEnded) {
            headerEnded = true;
            size += 2;
            headerBlock.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A body chunk (CRLF line ends, as on the wire without the dot-stuffing); kept in the spool for DKIM. */
    void body(byte[] chunk) throws IOException {
        endOfHeader();
        size += chunk.length;
        if (size > ctx.config().limits().messageSize()) {
            return; // counted, not kept: refused at the end of the message
        }
        if (body == null) {
            body = new Spool(ctx.config().spool().directory(), ctx.config().spool().memoryThreshold());
        }
        body.write(chunk, 0, chunk.length);
    }

    /**
     * The end of the message: the data stage decides. Returns the modifications and the final
     * reply, in the order the MTA applies them.
     *
     * @param actions the actions the MTA allowed at negotiation (SMFIF_*)
     */
    List<MilterPacket> endOfMessage(int actions, boolean leadingSpace) throws IOException {
        endOfHeader();
        byte[] header = headerBlock.toByteArray();
        record.size = size;
        record.messageId = MessageIds.find(header);
        ctx.rates().bytes(who(null), size);
        long max = ctx.config().limits().messageSize();
        if (size > max) {
            return List.of(replyCode(refusal(new Reply(552, "5.3.4", "Message size exceeds fixed limit of " + max + " bytes"),
                    "limits.message_size", size + " bytes")));
        }
        if (headerBytes >= HEADER_LIMIT) {
            return List.of(replyCode(refusal(net.portcullis.gateway.smtp.HeaderLimit.TOO_LARGE, "limits.header_size",
                    "header of " + headerBytes + " bytes")));
        }
        if (reportMode) {
            return List.of(report(header));
        }
        if (forgedAuthResults.size() > MAX_FORGED) {
            return List.of(replyCode(refusal(new Reply(554, "5.7.1", "Message refused: too many Authentication-Results fields under our name"),
                    "data.forged_auth_results", forgedAuthResults.size() + " forged Authentication-Results fields")));
        }
        StageOutcome d = policy().data(MessageFacts.parse(header, size, this::bodyOnly), List.copyOf(accepted), Client.Conduct.CLEAN);
        dataSignals = d.signals();
        note(d.stages());
        ctx.tarpit().delay(d.score());
        if (d.verdict().refused()) {
            Reply r = d.verdict().reply();
            return List.of(replyCode(refusal(r, d.verdict().decidedBy(), d.verdict().reason())));
        }
        DecisionNotes.addTags(tags, d.tags());
        List<MilterPacket> out = new ArrayList<>(headerChanges(d.signals(), actions, leadingSpace));
        if (d.verdict().kind() == Verdict.Kind.HOLD) {
            if ((actions & MilterPacket.QUARANTINE_ACTION) == 0) {
                // the MTA will not hold it for us, and passing held mail on would ignore the rule
                return List.of(replyCode(refusal(new Reply(451, "4.7.0", "Message held for review, try again later"),
                        d.verdict().decidedBy(), d.verdict().reason() + " (the MTA does not allow quarantine)")));
            }
            out.add(MilterPacket.of(MilterPacket.QUARANTINE, TagValues.clean("Portcullis [ref " + record.ref + "] "
                    + d.verdict().decidedBy() + ": " + d.verdict().reason())));
            record.verdict = "held";
            record.decidedBy = d.verdict().decidedBy();
            record.reason = d.verdict().reason() + " (in the MTA's hold queue)";
        } else {
            record.verdict = "accepted";
            record.decidedBy = d.verdict().decidedBy() == null ? "policy" : d.verdict().decidedBy();
            ctx.rates().delivered(who(null), List.copyOf(accepted), size);
            ctx.greylist().delivered(client.address(), sender);
        }
        out.add(new MilterPacket(MilterPacket.CONTINUE, new byte[0]));
        return out;
    }

    /**
     * Our Authentication-Results in front of the headers, the ones forged under our authserv-id
     * removed, the headers rules added (tag): what the proxy writes in front of the message.
     */
    private List<MilterPacket> headerChanges(SignalMap signals, int actions, boolean leadingSpace) {
        List<MilterPacket> out = new ArrayList<>();
        String id = ctx.config().checks().authservId();
        String space = leadingSpace ? " " : "";
        if ((actions & MilterPacket.CHGHDRS) != 0) {
            for (int index : forgedAuthResults) {
                out.add(MilterPacket.indexed(MilterPacket.CHGHEADER, index, "Authentication-Results", ""));
            }
        }
        if ((actions & MilterPacket.ADDHDRS) == 0) {
            if (id != null || !tags.isEmpty()) {
                LOG.warn("[ref {}] the MTA does not let us add headers (SMFIF_ADDHDRS): Authentication-Results and tags left out", record.ref);
            }
            return out;
        }
        // inserted at the top one after another, so the last inserted is first: tags in reverse, ours last
        for (int i = tags.size() - 1; i >= 0; i--) {
            StageResult.Tag t = tags.get(i);
            out.add(MilterPacket.indexed(MilterPacket.INSHEADER, 0, t.header(), space + TagValues.clean(t.value())));
        }
        if (id != null) {
            Signal ar = signals.signal("auth.results");
            String resinfo = ar == null || String.valueOf(ar.value()).isBlank() ? "none" : String.valueOf(ar.value());
            // one line: folding inside a milter header value is not written the same way by every MTA
            out.add(MilterPacket.indexed(MilterPacket.INSHEADER, 0, "Authentication-Results",
                    space + TagValues.clean(id + "; " + resinfo.replaceAll("\\s*\\r?\\n\\s*", " "))));
        }
        return out;
    }

    /** A spam report: taken in here, then discarded, so the MTA neither delivers nor bounces it. */
    private MilterPacket report(byte[] header) throws IOException {
        try (Spool whole = new Spool(ctx.config().spool().directory(), ctx.config().spool().memoryThreshold())) {
            whole.write(header, 0, header.length);
            if (body != null) {
                try (InputStream in = body.open()) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        whole.write(buf, 0, n);
                    }
                }
            }
            reports.take(whole, size, record);
            return new MilterPacket(MilterPacket.DISCARD, new byte[0]);
        } catch (ReportMailbox.Refusal e) {
            return replyCode(refusal(e.reply, "reports", e.getMessage()));
        }
    }

    private InputStream bodyOnly() throws IOException {
        return body == null ? InputStream.nullInputStream() : body.open();
    }

    private PolicyTransaction policy() {
        if (policy == null) {
            policy = ctx.policy().begin(client.policyClient(ctx), sender);
        }
        return policy;
    }

    private void note(List<StageResult> stages) {
        DecisionNotes.rules(record, stages);
    }

    private Reply refuseRecipient(DecisionRecord.Recipient entry, Reply reply, String by, String why) {
        entry.refused(reply.permanent(), by, why, reply.line(record.ref));
        ctx.rates().refused(who(entry.address()));
        return withNote(reply);
    }

    /** The transaction's refusal: recorded, and the reply the MTA gives its client. */
    private Reply refusal(Reply reply, String by, String why) {
        record.verdict = reply.permanent() ? "rejected" : "tempfail";
        record.decidedBy = by;
        record.reason = why;
        return withNote(reply);
    }

    private Reply withNote(Reply r) {
        return new Reply(r.code(), r.status(), r.text() + " " + RefNote.of(record.ref, ctx.config().review().refUrl()));
    }

    /** SMFIR_REPLYCODE: our code, enhanced status and text (with the reference), as the MTA's reply. */
    static MilterPacket replyCode(Reply r) {
        String text = TagValues.clean(r.code() + " " + r.status() + " " + r.text());
        return MilterPacket.of(MilterPacket.REPLYCODE, text);
    }

    private RateLimits.Who who(String recipient) {
        return new RateLimits.Who(client.address(), sender, client.authUser(), recipient);
    }

    /** Writes the decision once: at the end of the message, or when the MTA aborts or goes. */
    void end(String queueId) {
        if (written) {
            return;
        }
        written = true;
        ctx.inflight().leave();
        if (body != null) {
            body.close();
        }
        record.settleWithoutData(!accepted.isEmpty());
        record.client = client.address().getHostAddress();
        record.clientName = client.reverseName();
        record.helo = client.helo();
        record.tls = client.tls();
        record.authUser = client.authUser();
        record.sender = sender;
        record.queueId = queueId;
        record.via = "milter";
        record.mta = client.mta();
        DecisionNotes.write(ctx, record, policy, dataSignals, startNanos);
    }
}
