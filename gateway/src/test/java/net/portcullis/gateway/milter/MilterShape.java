package net.portcullis.gateway.milter;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.gateway.testing.SessionShape;
import net.portcullis.gateway.testing.Transcript;
import net.portcullis.policy.dns.Dns;
import net.portcullis.rules.Reply;

/**
 * A transcript played through the milter adapter: the steps as the MTA reports them (the
 * message as header packets, end of header, body), our answers read back from the packets we
 * would send — REPLYCODE, QUARANTINE, CONTINUE. No socket: the packets' framing is
 * MilterProtocolTest's, against a client over loopback.
 */
final class MilterShape implements Transcript.Shape {
    private final GatewayContext ctx;
    private final Dns dns;
    private MailSession session;
    private MilterTransaction tx;

    MilterShape(GatewayContext ctx, Dns dns) {
        this.ctx = ctx;
        this.dns = dns;
    }

    @Override
    public void connect(InetAddress client, String helo) {
        ctx.observers().onConnect(client);
        session = new MailSession(client, 0, dns.ptrSoon(client, Runnable::run));
        session.helo(helo, false);
    }

    @Override
    public String mail(String sender) {
        end(); // the MTA's ABORT, or a new MAIL after the end of the last message
        tx = new MilterTransaction(ctx, session);
        return said(tx.mail(sender, false));
    }

    @Override
    public String rcpt(String recipient) {
        return said(tx.recipient(recipient, false));
    }

    @Override
    public String data(byte[] message) throws Exception {
        String text = new String(message, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end + 2);
        // one header packet per field, its folded lines joined by LF as the MTA sends them
        for (String field : head.split("\r\n(?![ \t])")) {
            if (field.isEmpty()) {
                continue;
            }
            int colon = field.indexOf(':');
            tx.header(field.substring(0, colon), field.substring(colon + 1).stripLeading().replace("\r\n", "\n"), false);
        }
        tx.endOfHeader();
        if (end >= 0) {
            byte[] body = text.substring(end + 4).getBytes(StandardCharsets.UTF_8);
            if (body.length > 0) {
                tx.body(body);
            }
        }
        List<MilterPacket> out = tx.endOfMessage(0x1ff, false);
        for (MilterPacket p : out) {
            if (p.code() == MilterPacket.REPLYCODE) {
                byte[] d = p.data();
                return SessionShape.withoutRef(new String(Arrays.copyOf(d, d.length - 1), StandardCharsets.UTF_8));
            }
            if (p.code() == MilterPacket.QUARANTINE) {
                return "hold";
            }
        }
        return "250";
    }

    @Override
    public MailSession session() {
        return session;
    }

    @Override
    public void end() {
        if (tx != null) {
            tx.end("Q" + System.nanoTime());
            tx = null;
        }
    }

    private static String said(Reply refusal) {
        return refusal == null ? "250" : SessionShape.withoutRef(refusal.code() + " " + refusal.status() + " " + refusal.text());
    }
}
