package net.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.gateway.session.AuthResultsHeaders;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.HeaderLimit;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.gateway.session.MailTransaction;
import net.portcullis.gateway.session.Onward;
import net.portcullis.gateway.session.Refusal;
import net.portcullis.gateway.session.Refusals;
import net.portcullis.gateway.session.Spool;
import net.portcullis.gateway.session.Step;
import net.portcullis.gateway.session.TagValues;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mail transaction as the MTA reports it over milter: its packets decoded into
 * {@link MailTransaction} calls (the same steps as the in-line proxy's), each {@link Step} said
 * back as milter replies and modifications. The MTA queues and delivers; the decision record
 * carries the MTA's queue id and is written once when the transaction ends (end of message,
 * abort, or the MTA's connection closing).
 */
final class MilterTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(MilterTransaction.class);
    /** The header block kept for the checks, as the proxy's DataReader keeps it; a larger one is refused, as there. */
    static final int HEADER_LIMIT = HeaderLimit.BYTES;
    /** Forged Authentication-Results removed at most: a message with more is refused rather than passed with some left. */
    static final int MAX_FORGED = 1000;

    private final GatewayContext ctx;
    private final MailTransaction tx;
    /** How many Authentication-Results headers came, and the positions (1-based, CHGHEADER's index) of those claiming our authserv-id. */
    private int authResultsSeen;
    private final List<Integer> forgedAuthResults = new ArrayList<>();
    private final ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
    private Spool body;
    private long size;
    private long headerBytes;
    private boolean headerEnded;

    MilterTransaction(GatewayContext ctx, MailSession client) {
        this.ctx = ctx;
        this.tx = new MailTransaction(ctx, client, "milter");
    }

    /** The MAIL stage: null to go on, else the refusal. */
    Reply mail(String sender, boolean smtputf8) {
        return reply(tx.mail(sender, smtputf8));
    }

    /**
     * One RCPT: the relay stage still applies (a recipient of another domain from an untrusted
     * client is refused even where the MTA would relay), then the rules. Null: accepted.
     */
    Reply recipient(String path, boolean utf8Parameter) {
        return reply(tx.recipient(path, utf8Parameter, Onward.NONE));
    }

    private static Reply reply(Step s) {
        return s.refused() ? s.reply() : null;
    }

    /** Whether any recipient was accepted: without one the MTA sends no message. */
    boolean anyAccepted() {
        return tx.anyAccepted();
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
        Step got = tx.received(size, header, headerBytes);
        if (got.refused()) {
            return List.of(replyCode(got.reply()));
        }
        if (tx.reportMode()) {
            return List.of(report(header));
        }
        if (forgedAuthResults.size() > MAX_FORGED) {
            return List.of(replyCode(tx.refuse(new Refusal(Refusals.TOO_MANY_FORGED, "data.forged_auth_results",
                    forgedAuthResults.size() + " forged Authentication-Results fields"))));
        }
        Step d = tx.data(header, size, this::bodyOnly);
        if (d.refused()) {
            return List.of(replyCode(d.reply()));
        }
        List<MilterPacket> out = new ArrayList<>(headerChanges(d, actions, leadingSpace));
        if (d.kind() == Step.Kind.HOLD) {
            if ((actions & MilterPacket.QUARANTINE_ACTION) == 0) {
                // the MTA will not hold it for us, and passing held mail on would ignore the rule
                return List.of(replyCode(tx.refuse(new Refusal(Refusals.HELD_NO_QUARANTINE, d.verdict().decidedBy(),
                        d.verdict().reason() + " (the MTA does not allow quarantine)"))));
            }
            out.add(MilterPacket.of(MilterPacket.QUARANTINE, TagValues.clean("Portcullis [ref " + tx.ref() + "] "
                    + d.verdict().decidedBy() + ": " + d.verdict().reason())));
            tx.heldBy(d.verdict(), "in the MTA's hold queue");
        } else {
            tx.delivered(d.verdict().decidedBy() == null ? "policy" : d.verdict().decidedBy(), null);
        }
        out.add(new MilterPacket(MilterPacket.CONTINUE, new byte[0]));
        return out;
    }

    /**
     * Our Authentication-Results in front of the headers, the ones forged under our authserv-id
     * removed, the headers rules added (tag): what the proxy writes in front of the message.
     */
    private List<MilterPacket> headerChanges(Step d, int actions, boolean leadingSpace) {
        List<MilterPacket> out = new ArrayList<>();
        List<StageResult.Tag> tags = d.tags();
        String id = ctx.config().checks().authservId();
        String space = leadingSpace ? " " : "";
        if ((actions & MilterPacket.CHGHDRS) != 0) {
            for (int index : forgedAuthResults) {
                out.add(MilterPacket.indexed(MilterPacket.CHGHEADER, index, "Authentication-Results", ""));
            }
        }
        if ((actions & MilterPacket.ADDHDRS) == 0) {
            if (id != null || !tags.isEmpty()) {
                LOG.warn("[ref {}] the MTA does not let us add headers (SMFIF_ADDHDRS): Authentication-Results and tags left out", tx.ref());
            }
            return out;
        }
        // inserted at the top one after another, so the last inserted is first: tags in reverse, ours last
        for (int i = tags.size() - 1; i >= 0; i--) {
            StageResult.Tag t = tags.get(i);
            out.add(MilterPacket.indexed(MilterPacket.INSHEADER, 0, t.header(), space + TagValues.clean(t.value())));
        }
        if (id != null) {
            String resinfo = d.authResults() == null || d.authResults().isBlank() ? "none" : d.authResults();
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
            Step taken = tx.report(whole, size);
            return taken.refused() ? replyCode(taken.reply()) : new MilterPacket(MilterPacket.DISCARD, new byte[0]);
        }
    }

    private InputStream bodyOnly() throws IOException {
        return body == null ? InputStream.nullInputStream() : body.open();
    }

    /** SMFIR_REPLYCODE: our code, enhanced status and text (with the reference), as the MTA's reply. */
    static MilterPacket replyCode(Reply r) {
        String text = TagValues.clean(r.code() + " " + r.status() + " " + r.text());
        return MilterPacket.of(MilterPacket.REPLYCODE, text);
    }

    /** Writes the decision once: at the end of the message, or when the MTA aborts or goes. */
    void end(String queueId) {
        if (body != null) {
            body.close();
            body = null;
        }
        tx.end(queueId);
    }
}
