package net.portcullis.gateway.proxy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.milter.MilterPacket;

/**
 * The MTA side of the milter protocol, for tests: sends what Postfix sends, reads our replies.
 * Every read is bounded (a reply that does not come fails the test, never hangs it).
 */
final class MilterTestClient implements AutoCloseable {
    /** Replies that end a command's answer; the others are modifications at the end of a message. */
    static final Set<Character> FINAL = Set.of('a', 'c', 'd', 'r', 't', 'y');
    /** What Postfix 3.7 offers: every action, every protocol step but SMFIP_RCPT_REJ. */
    static final int POSTFIX_ACTIONS = 0x1ff;
    static final int POSTFIX_PROTOCOL = 0x1fffff & ~0x800;

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    MilterTestClient(int port) throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    MilterTestClient(SocketAddress address) throws IOException {
        channel = SocketChannel.open(address);
        if (address instanceof InetSocketAddress) {
            channel.socket().setSoTimeout(5000);
            in = new BufferedInputStream(channel.socket().getInputStream());
        } else {
            // a Unix-domain channel has no socket adaptor with a timeout: the test's own @Timeout bounds it
            in = new BufferedInputStream(Channels.newInputStream(channel));
        }
        out = Channels.newOutputStream(channel);
    }

    void send(char code, byte[] data) throws IOException {
        new MilterPacket(code, data).write(out);
    }

    void send(char code, String... fields) throws IOException {
        MilterPacket.of(code, fields).write(out);
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    MilterPacket read() throws IOException {
        return MilterPacket.read(in, 1 << 20);
    }

    /** The modifications and the final reply of one command. */
    List<MilterPacket> answer() throws IOException {
        List<MilterPacket> all = new ArrayList<>();
        while (true) {
            MilterPacket p = read();
            all.add(p);
            if (FINAL.contains(p.code())) {
                return all;
            }
        }
    }

    MilterPacket negotiate(int version, int actions, int protocol) throws IOException {
        java.io.ByteArrayOutputStream d = new java.io.ByteArrayOutputStream();
        for (int n : new int[] {version, actions, protocol}) {
            MilterPacket.writeInt32(d, n);
        }
        send('O', d.toByteArray());
        return read();
    }

    MilterPacket negotiate() throws IOException {
        return negotiate(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL);
    }

    void macros(char stage, String... pairs) throws IOException {
        MilterPacket p = MilterPacket.of('D', pairs);
        byte[] d = new byte[p.data().length + 1];
        d[0] = (byte) stage;
        System.arraycopy(p.data(), 0, d, 1, p.data().length);
        send('D', d);
    }

    /** SMFIC_CONNECT for an IPv4 or IPv6 client. */
    MilterPacket connect(String hostname, String address) throws IOException {
        send('C', connectData(hostname, address.contains(":") ? '6' : '4', 4321, address));
        return read();
    }

    static byte[] connectData(String hostname, char family, int port, String address) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(hostname.getBytes(StandardCharsets.UTF_8));
        b.write(0);
        b.write(family);
        if (family != 'U') {
            b.write(port >>> 8);
            b.write(port);
            b.writeBytes(address.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }

    MilterPacket command(char code, String... fields) throws IOException {
        send(code, fields);
        return read();
    }

    /** Headers (no reply each: SMFIP_NR_HDR), end of header, body, end of message: the modifications and the final reply. */
    List<MilterPacket> message(String headerBlock, String body) throws IOException {
        for (String field : unfoldedFields(headerBlock)) {
            int colon = field.indexOf(':');
            send('L', field.substring(0, colon), field.substring(colon + 1).replace("\r\n", "\n"));
        }
        assertCode(command('N'), 'c');
        if (!body.isEmpty()) {
            send('B', body.getBytes(StandardCharsets.UTF_8));
            assertCode(read(), 'c');
        }
        send('E', new byte[0]);
        return answer();
    }

    private static List<String> unfoldedFields(String block) {
        List<String> out = new ArrayList<>();
        for (String line : block.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "\r\n" + line);
            } else {
                out.add(line);
            }
        }
        return out;
    }

    static void assertCode(MilterPacket p, char code) {
        if (p.code() != code) {
            throw new AssertionError("expected '" + code + "', got " + p + " " + text(p));
        }
    }

    static String text(MilterPacket p) {
        return new String(p.data(), StandardCharsets.UTF_8).replace('\0', '|');
    }

    /** Whether the server closed the connection (a read sees the end of the stream). */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Ends our side (as an MTA that went away mid-packet) and reads what the server still says, to its end. */
    boolean finish() {
        try {
            channel.shutdownOutput();
            while (in.read() >= 0) {
                // replies to what was whole
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: closed too
        }
    }


    @Override
    public void close() throws IOException {
        channel.close();
    }
}
