package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A plain SMTP client over a loopback socket that checks every reply it reads. */
final class SmtpTestClient implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpTestClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    /** Connects from a chosen loopback source address, e.g. 127.0.0.2 to play a trusted host. */
    SmtpTestClient(String from, int port) throws IOException {
        socket = new Socket();
        InetAddress source = InetAddress.getByName(from);
        socket.bind(new InetSocketAddress(source, 0));
        // an IPv6 client (::1) reaches the IPv6 loopback; IPv4 ones 127.0.0.1
        InetAddress target = source instanceof java.net.Inet6Address ? source : InetAddress.getLoopbackAddress();
        socket.connect(new InetSocketAddress(target, port), 5000);
        socket.setSoTimeout(15000);
        attach(socket);
    }

    private void attach(Socket s) throws IOException {
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    /** Reads one reply, possibly multi-line; returns its lines. */
    List<String> read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.write(c);
                }
            }
            if (c == -1 && line.size() == 0) {
                if (lines.isEmpty()) {
                    throw new IOException("connection closed by the gateway");
                }
                return lines;
            }
            String l = line.toString(StandardCharsets.UTF_8);
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') {
                return lines;
            }
        }
    }

    String expect(int code) throws IOException {
        List<String> r = read();
        String last = r.get(r.size() - 1);
        assertThat(last).as("reply %s", r).startsWith(code + " ");
        return String.join("\n", r);
    }

    /** One reply, whatever its code. */
    String reply() throws IOException {
        return String.join("\n", read());
    }

    String send(String line, int code) throws IOException {
        write(line + "\r\n");
        return expect(code);
    }

    void write(String s) throws IOException {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** STARTTLS and the handshake; returns the 220 reply. */
    String startTls() throws Exception {
        String ready = send("STARTTLS", 220);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        socket = s;
        attach(s);
        return ready;
    }

    /** MAIL, RCPTs and DATA with the given message (CRLF lines, not yet dot-stuffed). */
    String deliver(String from, String to, String message, int finalCode) throws IOException {
        send("MAIL FROM:<" + from + ">", 250);
        send("RCPT TO:<" + to + ">", 250);
        send("DATA", 354);
        write(message.replace("\r\n.", "\r\n..") + (message.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
        return expect(finalCode);
    }

    boolean closedByPeer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
