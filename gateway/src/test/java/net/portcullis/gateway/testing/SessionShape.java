package net.portcullis.gateway.testing;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.util.Arrays;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.gateway.session.MailTransaction;
import net.portcullis.gateway.session.Onward;
import net.portcullis.gateway.session.Step;
import net.portcullis.policy.dns.Dns;
import net.portcullis.rules.Reply;

/**
 * The shared transaction driven directly, as a shape would: no socket, no downstream (a message
 * the steps deliver counts as taken by the protected server).
 */
public final class SessionShape implements Transcript.Shape {
    private final GatewayContext ctx;
    private final Dns dns;
    private MailSession session;
    private MailTransaction tx;

    public SessionShape(GatewayContext ctx, Dns dns) {
        this.ctx = ctx;
        this.dns = dns;
    }

    @Override
    public void connect(InetAddress client, String helo) {
        ctx.observers().onConnect(client);
        session = new MailSession(client, 25, dns.ptrSoon(client, Runnable::run));
        session.helo(helo, true);
    }

    @Override
    public String mail(String sender) {
        end(); // RSET, or a new MAIL after the end of the last message
        tx = new MailTransaction(ctx, session, null);
        return said(tx.mail(sender, false));
    }

    @Override
    public String rcpt(String recipient) {
        return said(tx.recipient(recipient, false, Onward.NONE));
    }

    @Override
    public String data(byte[] message) {
        int end = headerEnd(message);
        byte[] header = Arrays.copyOf(message, end);
        Step got = tx.received(message.length, header, header.length);
        if (got.refused()) {
            return said(got);
        }
        Step d = tx.data(header, message.length, () -> new ByteArrayInputStream(message, end, message.length - end));
        if (d.kind() == Step.Kind.DELIVER) {
            tx.delivered("downstream", "250 2.0.0 Ok");
        } else if (d.kind() == Step.Kind.HOLD) {
            tx.heldBy(d.verdict(), "transcript");
            return "hold";
        }
        return said(d);
    }

    @Override
    public MailSession session() {
        return session;
    }

    @Override
    public void end() {
        if (tx != null) {
            tx.end(null);
            tx = null;
        }
    }

    /** Where the header block ends: after its empty line (CRLF CRLF), or the whole message when there is none. */
    static int headerEnd(byte[] m) {
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 4;
            }
        }
        return m.length;
    }

    static String said(Step s) {
        if (!s.refused()) {
            return "250";
        }
        Reply r = s.reply();
        return withoutRef(r.code() + " " + r.status() + " " + r.text());
    }

    /** A reply without our reference (different in every run and shape). */
    public static String withoutRef(String reply) {
        int at = reply.indexOf(" [ref ");
        return at < 0 ? reply : reply.substring(0, at);
    }
}
