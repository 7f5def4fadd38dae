package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import net.portcullis.rules.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.internal.proxy.ProxyHandler;
import org.subethamail.smtp.server.Session;

/**
 * HAProxy's PROXY protocol, versions 1 and 2 (haproxy.org/download/2.6/doc/proxy-protocol.txt), on
 * a listener behind a load balancer: the header that comes before SMTP says who the client is,
 * and every check then sees that address. It is believed only from the configured load balancers
 * ({@code listen[].proxy_from}); any other peer is refused before a word of SMTP, since on such a
 * listener it either bypasses the balancer or forges the header.
 * <p>
 * SubEthaSMTP calls this before its banner (its ProxyHandler hook). Its own v1/v2 handlers are not
 * used: they read ahead into a private buffer (losing what the client sent after the header),
 * fail on a header split across TCP segments, and answer a bad header with a stack trace in the
 * log. This one reads exactly the header's bytes, within a deadline, and says what was wrong.
 */
final class ProxyProtocol implements ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocol.class);
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** v1's longest header, CRLF included (the specification's 107). */
    static final int V1_MAX = 107;
    /** Enough for any address block and the TLVs HAProxy sends; a longer header is refused. */
    static final int V2_MAX_BODY = 2048;
    /** A load balancer sends its header at once; a peer that does not is refused soon, not at the idle timeout. */
    static final int HEADER_WAIT_MS = 10_000;

    private final Networks from;

    ProxyProtocol(Networks from) {
        this.from = from;
    }

    /** What the header said: the client's address, or null when it names none (a balancer's health check). */
    record Header(InetSocketAddress client) { }

    /** A header that is not PROXY protocol, or is malformed: why, in words for the log and the reply. */
    static final class Invalid extends Exception {
        Invalid(String why) {
            super(why, null, false, false);
        }
    }

    @Override
    public ProxyResult handle(InputStream in, OutputStream out, Session session) throws IOException {
        Socket socket = session.getSocket();
        InetAddress peer = socket.getInetAddress();
        if (from.match(peer).isEmpty()) {
            LOG.warn("PROXY listener: connection from {}, which is not a configured load balancer (listen[].proxy_from): refused",
                    peer.getHostAddress());
            return new ProxyResult(554, "5.7.1 This port takes connections from the load balancer only");
        }
        int idle = socket.getSoTimeout();
        socket.setSoTimeout(HEADER_WAIT_MS);
        try {
            Header h = read(in);
            return h.client() == null ? ProxyResult.NOP : new ProxyResult(h.client());
        } catch (Invalid e) {
            LOG.warn("PROXY header from load balancer {} refused: {}", peer.getHostAddress(), e.getMessage());
            return new ProxyResult(421, "4.7.0 Invalid PROXY protocol header: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            LOG.warn("PROXY header from load balancer {}: none within {} ms", peer.getHostAddress(), HEADER_WAIT_MS);
            return new ProxyResult(421, "4.4.2 No PROXY protocol header received");
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(idle);
            }
        }
    }

    /** Reads one header, v1 or v2, and not a byte more. */
    static Header read(InputStream in) throws IOException, Invalid {
        int first = in.read();
        if (first == 'P') {
            return v1(in);
        }
        if (first == V2_SIGNATURE[0]) {
            return v2(in);
        }
        throw new Invalid(first < 0 ? "connection closed before the header" : "does not start with a PROXY v1 or v2 signature");
    }

    private static Header v1(InputStream in) throws IOException, Invalid {
        StringBuilder line = new StringBuilder("P");
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new Invalid("connection closed inside the v1 header");
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new Invalid("v1 header: CR not followed by LF");
                }
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                throw new Invalid("v1 header: byte 0x" + Integer.toHexString(c) + " is not printable");
            }
            line.append((char) c);
            if (line.length() > V1_MAX - 2) {
                throw new Invalid("v1 header longer than " + V1_MAX + " bytes");
            }
        }
        String[] f = line.toString().split(" ", -1);
        if (!f[0].equals("PROXY") || f.length < 2) {
            throw new Invalid("v1 header does not start with 'PROXY '");
        }
        if (f[1].equals("UNKNOWN")) {
            return new Header(null); // the balancer could not tell: the connection's own address stands
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new Invalid("v1 header is not 'PROXY TCP4|TCP6 src dst sport dport'");
        }
        InetAddress src = literal(f[2], f[1].equals("TCP4"));
        literal(f[3], f[1].equals("TCP4"));
        int sport = port(f[4]);
        port(f[5]);
        return new Header(new InetSocketAddress(src, sport));
    }

    private static Header v2(InputStream in) throws IOException, Invalid {
        byte[] rest = readFully(in, 15); // the signature's other 11 bytes, version/command, family, length
        for (int i = 1; i < V2_SIGNATURE.length; i++) {
            if (rest[i - 1] != V2_SIGNATURE[i]) {
                throw new Invalid("does not start with a PROXY v1 or v2 signature");
            }
        }
        int verCmd = rest[11] & 0xff;
        int family = rest[12] & 0xff;
        int length = ((rest[13] & 0xff) << 8) | (rest[14] & 0xff);
        if ((verCmd >> 4) != 2) {
            throw new Invalid("v2 header with version " + (verCmd >> 4));
        }
        if (length > V2_MAX_BODY) {
            throw new Invalid("v2 header of " + length + " bytes, more than " + V2_MAX_BODY);
        }
        byte[] body = readFully(in, length);
        int command = verCmd & 0x0f;
        if (command == 0) {
            return new Header(null); // LOCAL: the balancer's own connection (a health check)
        }
        if (command != 1) {
            throw new Invalid("v2 header with command " + command + " (only LOCAL and PROXY exist)");
        }
        return switch (family) {
            case 0x11 -> {
                need(body, 12, "TCP over IPv4");
                yield new Header(new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(body, 0, 4)),
                        ((body[8] & 0xff) << 8) | (body[9] & 0xff)));
            }
            case 0x21 -> {
                need(body, 36, "TCP over IPv6");
                yield new Header(new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(body, 0, 16)),
                        ((body[32] & 0xff) << 8) | (body[33] & 0xff)));
            }
            case 0x00 -> new Header(null); // UNSPEC: no address to believe
            default -> throw new Invalid("v2 header with family/transport 0x" + Integer.toHexString(family) + ", not TCP");
        };
    }

    private static void need(byte[] body, int n, String what) throws Invalid {
        if (body.length < n) {
            throw new Invalid("v2 header for " + what + " has " + body.length + " address bytes, needs " + n);
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException, Invalid {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new Invalid("connection closed inside the v2 header");
            }
            got += r;
        }
        return b;
    }

    /** An address literal of the family the header says, never a name to look up. */
    private static InetAddress literal(String text, boolean v4) throws Invalid {
        boolean ok = v4 ? text.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")
                : text.matches("[0-9A-Fa-f:.]{2,45}") && text.contains(":");
        if (!ok) {
            throw new Invalid("v1 header: '" + clip(text) + "' is not an IPv" + (v4 ? "4" : "6") + " address");
        }
        try {
            InetAddress a = InetAddress.getByName(text); // a literal: no DNS query is made
            if (v4 != (a instanceof java.net.Inet4Address)) {
                throw new Invalid("v1 header: '" + clip(text) + "' is not an IPv" + (v4 ? "4" : "6") + " address");
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new Invalid("v1 header: '" + clip(text) + "' is not an address");
        }
    }

    private static int port(String text) throws Invalid {
        if (!text.matches("0|[1-9]\\d{0,4}") || Integer.parseInt(text) > 65535) {
            throw new Invalid("v1 header: '" + clip(text) + "' is not a port");
        }
        return Integer.parseInt(text);
    }

    private static String clip(String s) {
        return s.length() > 50 ? s.substring(0, 50) + "…" : s;
    }

}
