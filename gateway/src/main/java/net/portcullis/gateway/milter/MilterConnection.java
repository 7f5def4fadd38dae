package net.portcullis.gateway.milter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Network;
import net.portcullis.rules.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from the MTA: option negotiation, then one SMTP client's session after
 * another (SMFIC_QUIT_NC starts the next on the same connection). Commands are answered in
 * order on this thread; a packet that breaks the protocol closes the connection, and the MTA then
 * applies its milter_default_action to that message. Every read is bounded by milter.max_packet,
 * every silence by milter.timeout (the server's watchdog closes the channel).
 */
final class MilterConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MilterConnection.class);
    /** The version we speak: 6 (Sendmail 8.14, Postfix 2.6 and later). 2 is the oldest we accept. */
    static final int VERSION = 6;
    /** What we do at the end of a message: add and remove headers, quarantine; and ask for macros. */
    static final int OUR_ACTIONS = MilterPacket.ADDHDRS | MilterPacket.CHGHDRS | MilterPacket.QUARANTINE_ACTION | MilterPacket.SETSYMLIST;
    /** No reply per header, header values with their leading space, no DATA or unknown-command callbacks. */
    static final int OUR_PROTOCOL = MilterPacket.NR_HDR | MilterPacket.HDR_LEADSPC | MilterPacket.NODATA | MilterPacket.NOUNKNOWN;
    /**
     * The macros we ask for, by stage (SMFIM_CONNECT 0, HELO 1, ENVFROM 2, ENVRCPT 3, DATA 4,
     * EOM 5, EOH 6): the queue id "i" wherever the MTA has it.
     */
    static final List<String> MACROS = List.of("j {daemon_name} {daemon_addr} {if_addr} {if_name} _", "{tls_version} {cipher}",
            "i {auth_authen} {auth_type}", "i", "i", "i", "i");
    /** Macro names a stage may define: more is a misbehaving MTA. */
    private static final int MAX_MACROS = 100;
    /**
     * The octets of names and values all kept macros may hold on one connection: Postfix sends a few
     * hundred. Without a bound, 256 possible stage bytes times max_packet each was a way to fill the heap.
     */
    static final int MAX_MACRO_BYTES = 64 * 1024;
    /** Where a macro is looked up: the latest stage first. */
    private static final String STAGES = "EBNLTRMHC";

    private final MilterServer server;
    private final ByteChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final int maxPacket;
    private final Map<Character, Map<String, String>> macros = new HashMap<>();
    volatile long lastActivity = System.nanoTime();

    private boolean negotiated;
    private int actions;
    private int protocol;
    private GatewayContext ctx;
    private MailSession client;
    private boolean accepted; // the client is not ours to judge (a local submission): every callback continues
    private MilterTransaction tx;

    MilterConnection(MilterServer server, ByteChannel channel, int maxPacket) {
        this.server = server;
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 8 * 1024);
        this.maxPacket = maxPacket;
    }

    @Override
    public void run() {
        try {
            while (true) {
                MilterPacket p = MilterPacket.read(in, maxPacket);
                lastActivity = System.nanoTime();
                if (!handle(p)) {
                    break;
                }
                out.flush();
            }
        } catch (EOFException e) {
            // the MTA closed between packets: its way of ending too
        } catch (MilterPacket.Malformed e) {
            server.protocolError();
            LOG.warn("milter: closing the connection from the MTA: {}", e.getMessage());
        } catch (IOException e) {
            LOG.info("milter: connection from the MTA ended: {}", e.getMessage());
        } catch (RuntimeException e) {
            server.protocolError();
            LOG.error("milter: closing the connection from the MTA after an internal error", e);
        } finally {
            endTransaction();
            server.closed(this);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after the end: nothing left to lose
            }
        }
    }

    /** Closes the channel from another thread (idle past milter.timeout, or shutdown): the read fails and run() ends. */
    void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Handles one packet; false when the MTA said QUIT. */
    private boolean handle(MilterPacket p) throws IOException {
        if (!negotiated && p.code() != MilterPacket.OPTNEG) {
            throw new MilterPacket.Malformed("command " + p + " before option negotiation");
        }
        switch (p.code()) {
            case MilterPacket.OPTNEG -> negotiate(p.data());
            case MilterPacket.MACRO -> macros(p.data());
            case MilterPacket.CONNECT -> connect(p.data());
            case MilterPacket.HELO -> helo(p);
            case MilterPacket.MAIL -> mail(p);
            case MilterPacket.RCPT -> rcpt(p);
            case MilterPacket.DATA, MilterPacket.UNKNOWN -> reply(MilterPacket.CONTINUE);
            case MilterPacket.HEADER -> header(p);
            case MilterPacket.EOH -> {
                if (!accepted) {
                    transaction("EOH").endOfHeader();
                }
                reply(MilterPacket.CONTINUE);
            }
            case MilterPacket.BODY -> {
                if (!accepted) {
                    transaction("BODY").body(p.data());
                }
                reply(MilterPacket.CONTINUE);
            }
            case MilterPacket.BODYEOB -> endOfMessage(p.data());
            case MilterPacket.ABORT -> endTransaction();
            case MilterPacket.QUIT_NC -> {
                endTransaction();
                client = null;
                ctx = null;
                accepted = false;
                macros.clear();
            }
            case MilterPacket.QUIT -> {
                return false;
            }
            default -> throw new MilterPacket.Malformed("unknown command " + p);
        }
        return true;
    }

    /**
     * SMFIC_OPTNEG: the MTA's version, the actions it allows and the steps it can skip; we answer
     * with what we use of them, and (version 6) the macros we want at each stage.
     */
    private void negotiate(byte[] d) throws IOException {
        if (negotiated) {
            throw new MilterPacket.Malformed("option negotiation sent twice");
        }
        if (d.length < 12) {
            throw new MilterPacket.Malformed("option negotiation of " + d.length + " bytes, not 12");
        }
        int version = MilterPacket.int32(d, 0);
        if (version < 2) {
            throw new MilterPacket.Malformed("the MTA speaks milter protocol version " + version + "; Portcullis needs 2 or later");
        }
        int mtaActions = MilterPacket.int32(d, 4);
        int mtaProtocol = MilterPacket.int32(d, 8);
        int v = Math.min(version, VERSION);
        actions = mtaActions & OUR_ACTIONS;
        protocol = mtaProtocol & OUR_PROTOCOL;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int n : new int[] {v, actions, protocol}) {
            MilterPacket.writeInt32(b, n);
        }
        if (v >= 6 && (actions & MilterPacket.SETSYMLIST) != 0) {
            for (int stage = 0; stage < MACROS.size(); stage++) {
                MilterPacket.writeInt32(b, stage);
                b.writeBytes(MACROS.get(stage).getBytes(StandardCharsets.US_ASCII));
                b.write(0);
            }
        }
        negotiated = true;
        new MilterPacket(MilterPacket.OPTNEG, b.toByteArray()).write(out);
    }

    /** SMFIC_MACRO: the stage's command byte, then name and value pairs. */
    private void macros(byte[] d) throws IOException {
        if (d.length < 1) {
            throw new MilterPacket.Malformed("macro packet without a stage");
        }
        char at = (char) (d[0] & 0xff);
        if (STAGES.indexOf(at) < 0 && at != MilterPacket.UNKNOWN) {
            // only the stages that exist are kept: a macro map per possible byte was the unbounded part
            throw new MilterPacket.Malformed(String.format("macros for stage 0x%02x, which the protocol does not have", (int) at));
        }
        if (d.length - 1 > MAX_MACRO_BYTES) {
            throw new MilterPacket.Malformed("macro packet of " + (d.length - 1) + " octets, over " + MAX_MACRO_BYTES);
        }
        List<String> s = MilterPacket.strings(d, 1);
        if (s.size() / 2 > MAX_MACROS) {
            throw new MilterPacket.Malformed(s.size() / 2 + " macros in one packet, over " + MAX_MACROS);
        }
        Map<String, String> stage = new HashMap<>();
        for (int i = 0; i + 1 < s.size(); i += 2) {
            stage.put(macroName(s.get(i)), s.get(i + 1));
        }
        Map<String, String> before = macros.put(at, stage);
        long kept = 0;
        for (Map<String, String> m : macros.values()) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                kept += e.getKey().length() + e.getValue().length();
            }
        }
        if (kept > MAX_MACRO_BYTES) {
            macros.put(at, before);
            throw new MilterPacket.Malformed("macros of " + kept + " octets kept on one connection, over " + MAX_MACRO_BYTES);
        }
    }

    /** "{daemon_name}" and "daemon_name" are the same macro; one-letter ones ("i", "j") come bare. */
    private static String macroName(String n) {
        return n.startsWith("{") && n.endsWith("}") && n.length() > 2 ? n.substring(1, n.length() - 1) : n;
    }

    /** A macro's value as the latest stage that defined it gave it, or null. */
    String macro(String name) {
        String key = macroName(name);
        for (int i = 0; i < STAGES.length(); i++) {
            Map<String, String> m = macros.get(STAGES.charAt(i));
            if (m != null && m.containsKey(key)) {
                return m.get(key);
            }
        }
        return null;
    }

    /**
     * SMFIC_CONNECT: host name, address family ('4', '6', 'L' for a Unix socket, 'U' unknown),
     * port, address. A client without an IP address is a local submission (Postfix's
     * non_smtpd_milters, sendmail -bs): not ours to judge, accepted for the whole connection.
     */
    private void connect(byte[] d) throws IOException {
        endTransaction();
        int nul = indexOf(d, 0);
        if (nul < 0 || nul + 1 >= d.length) {
            throw new MilterPacket.Malformed("connect packet without an address family");
        }
        char family = (char) d[nul + 1];
        ctx = server.live();
        if (family == 'U' || family == 'L') {
            accepted = true;
            reply(MilterPacket.ACCEPT);
            return;
        }
        if ((family != '4' && family != '6') || d.length < nul + 4) {
            throw new MilterPacket.Malformed("connect packet with address family '" + family + "'");
        }
        List<String> rest = MilterPacket.strings(d, nul + 4);
        String text = rest.isEmpty() ? "" : rest.get(0);
        if (text.regionMatches(true, 0, "IPv6:", 0, 5)) {
            text = text.substring(5); // Sendmail's form
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        InetAddress address = Network.addressOrNull(text);
        if (address == null) {
            throw new MilterPacket.Malformed("connect packet with address '" + cut(text) + "', not an IP address");
        }
        accepted = false;
        CompletableFuture<DnsAnswer> reverse = server.reverse(address);
        client = new MailSession(address, 0, reverse); // the port: only XCLIENT (proxy) tells it on
        // Sendmail names the address the client reached {if_addr}, Postfix {daemon_addr}
        client.mta(mta(macro("j"), macro("daemon_name"), macro("if_addr") != null ? macro("if_addr") : macro("daemon_addr")));
        ctx.observers().onConnect(address);
        reply(MilterPacket.CONTINUE);
    }

    private void helo(MilterPacket p) throws IOException {
        if (!accepted) {
            List<String> s = p.strings();
            client().helo(s.isEmpty() ? "" : s.get(0), false);
            client().tls(macro("tls_version"));
        }
        reply(MilterPacket.CONTINUE);
    }

    private void mail(MilterPacket p) throws IOException {
        // a MAIL with no ABORT or end of message before it: the last transaction ended unfinished
        // (written, but the macros just sent are this MAIL's and stay)
        writeTransaction();
        if (accepted) {
            reply(MilterPacket.CONTINUE);
            return;
        }
        List<String> args = p.strings();
        if (args.isEmpty()) {
            throw new MilterPacket.Malformed("MAIL without a sender");
        }
        MailSession c = client();
        if (c.tls() == null) {
            c.tls(macro("tls_version"));
        }
        c.authUser(macro("auth_authen"));
        tx = new MilterTransaction(ctx, c);
        answer(tx.mail(path(args.get(0)), hasParameter(args, "SMTPUTF8")));
    }

    private void rcpt(MilterPacket p) throws IOException {
        if (accepted) {
            reply(MilterPacket.CONTINUE);
            return;
        }
        List<String> args = p.strings();
        if (args.isEmpty()) {
            throw new MilterPacket.Malformed("RCPT without a recipient");
        }
        answer(transaction("RCPT").recipient(path(args.get(0)), hasParameter(args, "SMTPUTF8")));
    }

    private void header(MilterPacket p) throws IOException {
        if (!accepted) {
            List<String> s = p.strings();
            if (s.size() < 2) {
                throw new MilterPacket.Malformed("header packet without a name and a value");
            }
            transaction("HEADER").header(s.get(0), s.get(1), (protocol & MilterPacket.HDR_LEADSPC) != 0);
        }
        if ((protocol & MilterPacket.NR_HDR) == 0) {
            reply(MilterPacket.CONTINUE);
        }
    }

    private void endOfMessage(byte[] last) throws IOException {
        if (accepted) {
            reply(MilterPacket.CONTINUE);
            return;
        }
        MilterTransaction t = transaction("end of message");
        if (last.length > 0) {
            t.body(last);
        }
        List<MilterPacket> replies = t.endOfMessage(actions, (protocol & MilterPacket.HDR_LEADSPC) != 0);
        endTransaction();
        for (MilterPacket r : replies) {
            r.write(out);
        }
    }

    /** The transaction's decision is written, with the queue id the MTA gave last; its stages' macros go. */
    private void endTransaction() {
        writeTransaction();
        for (char stage : "MRTLNBE".toCharArray()) {
            macros.remove(stage);
        }
    }

    private void writeTransaction() {
        if (tx != null) {
            tx.end(macro("i"));
            tx = null;
        }
    }

    /** Which MTA asked, from its connect macros, for the decision record (absent values left out). */
    private static Map<String, String> mta(String host, String daemon, String iface) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        if (host != null) {
            m.put("host", host);
        }
        if (daemon != null) {
            m.put("daemon", daemon);
        }
        if (iface != null) {
            m.put("interface", iface);
        }
        return m;
    }

    private MailSession client() throws MilterPacket.Malformed {
        if (client == null) {
            throw new MilterPacket.Malformed("a command for a client before its connect packet");
        }
        return client;
    }

    private MilterTransaction transaction(String what) throws MilterPacket.Malformed {
        if (tx == null) {
            throw new MilterPacket.Malformed(what + " outside a transaction (no MAIL before it)");
        }
        return tx;
    }

    private void answer(Reply refusal) throws IOException {
        if (refusal == null) {
            reply(MilterPacket.CONTINUE);
        } else {
            MilterTransaction.replyCode(refusal).write(out);
        }
    }

    private void reply(char code) throws IOException {
        new MilterPacket(code, new byte[0]).write(out);
    }

    /** "<a@b>" as the MTA passes MAIL and RCPT arguments, without its angle brackets. */
    static String path(String arg) {
        String a = arg.strip();
        return a.startsWith("<") && a.endsWith(">") ? a.substring(1, a.length() - 1) : a;
    }

    private static boolean hasParameter(List<String> args, String name) {
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i).toUpperCase(Locale.ROOT);
            if (a.equals(name) || a.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] d, int from) {
        for (int i = from; i < d.length; i++) {
            if (d[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** For log lines that quote what the MTA sent. */
    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
