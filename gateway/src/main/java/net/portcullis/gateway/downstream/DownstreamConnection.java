package net.portcullis.gateway.downstream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.HostPort;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * One SMTP session with the protected server, on Commons Net. Commands go through the client;
 * message data is written as raw bytes (CRLF lines, dot-stuffed here), so 8-bit content passes
 * byte for byte without a charset round trip.
 */
public final class DownstreamConnection implements AutoCloseable {

    /** Exposes the socket stream Commons Net keeps protected; it is replaced after STARTTLS. */
    private static final class Client extends AuthenticatingSMTPClient {
        Client(SSLContext ctx) {
            // UTF-8: SMTPUTF8 addresses pass as the client sent them; every other command is ASCII.
            super("TLS", false, "UTF-8");
            // Opportunistic TLS to our own server: encryption against passive listeners, no
            // certificate check (RFC 7435); the next hop is configured by address, not by name.
            setTrustManager(TRUST_ANY);
        }

        OutputStream raw() {
            return _output_;
        }

        String tlsProtocol() {
            return _socket_ instanceof SSLSocket s ? s.getSession().getProtocol() : null;
        }
    }

    /** Sockets whose read timeout costs no timer per read (the downstream's replies are read on session threads). */
    private static final javax.net.SocketFactory SOCKETS = new net.portcullis.gateway.net.DeadlineSocket.Factory();

    private static final TrustManager TRUST_ANY = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private final Client client;
    private final GatewayConfig.DownstreamOptions options;
    private final String tls;
    private java.util.Set<String> extensions;
    /** The attributes the server's XCLIENT takes; empty when it offers no XCLIENT (to us). */
    private java.util.Set<String> xclientAttributes;
    /** Whom the server believes it talks to since our last XCLIENT; null: the gateway itself. */
    private XClient identity;
    private long idleSince;

    private DownstreamConnection(Client client, GatewayConfig.DownstreamOptions options, String tls) {
        this.client = client;
        this.options = options;
        this.tls = tls;
        this.extensions = keywords(client.getReplyStrings());
        this.xclientAttributes = xclientAttributes(client.getReplyStrings());
        this.idleSince = System.nanoTime();
    }

    private static java.util.Set<String> xclientAttributes(String[] ehloReply) {
        for (int i = 1; ehloReply != null && i < ehloReply.length; i++) {
            String l = ehloReply[i];
            if (l.length() > 4 && l.substring(4).toUpperCase(java.util.Locale.ROOT).startsWith("XCLIENT ")) {
                return java.util.Set.of(l.substring(4 + 8).strip().toUpperCase(java.util.Locale.ROOT).split("\\s+"));
            }
        }
        return java.util.Set.of();
    }

    /** Whether the server offers us XCLIENT (Postfix: only to smtpd_authorized_xclient_hosts). */
    public boolean offersXclient() {
        return !xclientAttributes.isEmpty();
    }

    /** Whom the server takes this session to be for: null for the gateway itself. */
    XClient identity() {
        return identity;
    }

    /**
     * Makes the server take this session as {@code who}'s: XCLIENT, its 220, then EHLO with the
     * client's own HELO name (XCLIENT resets the session to just after the greeting). Nothing is
     * sent when the session is already {@code who}'s. Between transactions only.
     *
     * @return null when done, else the server's refusal (of XCLIENT or of the EHLO after it): the
     *         session is then of no use for this client
     */
    DownstreamReply actFor(XClient who, String ourHelo) throws DownstreamException {
        if (who.equals(identity)) {
            return null;
        }
        DownstreamReply x = command(() -> client.sendCommand("XCLIENT", who.arguments(xclientAttributes)), "XCLIENT");
        if (x.code() != 220) {
            return x;
        }
        identity = who;
        String helo = who.helo() != null && who.helo().matches("[\\x21-\\x7e]{1,255}") ? who.helo() : ourHelo;
        DownstreamReply e = command(() -> client.ehlo(helo), "EHLO after XCLIENT");
        if (!e.positive()) {
            return e;
        }
        extensions = keywords(client.getReplyStrings());
        xclientAttributes = xclientAttributes(client.getReplyStrings());
        return null;
    }

    static DownstreamConnection open(HostPort target, GatewayConfig.DownstreamOptions options, String heloName)
            throws DownstreamException {
        Client c = new Client(null);
        c.setSocketFactory(SOCKETS);
        c.setConnectTimeout((int) options.connectTimeout().toMillis());
        c.setDefaultTimeout((int) options.timeout().toMillis());
        try {
            c.connect(target.host(), target.port());
        } catch (IOException e) {
            throw DownstreamException.unavailable("connect to " + target + ": " + e.getMessage(), e);
        }
        try {
            c.setSoTimeout((int) options.timeout().toMillis());
            if (!SMTPReply.isPositiveCompletion(c.getReplyCode())) {
                throw DownstreamException.unavailable("greeting of " + target + ": " + c.getReplyString().strip(), null);
            }
            if (!SMTPReply.isPositiveCompletion(c.ehlo(heloName))) {
                throw DownstreamException.unavailable("EHLO to " + target + ": " + c.getReplyString().strip(), null);
            }
            String tls = null;
            if (options.starttls() && offers(c, "STARTTLS")) {
                if (!c.execTLS()) {
                    throw DownstreamException.unavailable("STARTTLS to " + target + ": " + c.getReplyString().strip(), null);
                }
                tls = c.tlsProtocol();
                if (!SMTPReply.isPositiveCompletion(c.ehlo(heloName))) {
                    throw DownstreamException.unavailable("EHLO after STARTTLS to " + target, null);
                }
            }
            return new DownstreamConnection(c, options, tls);
        } catch (DownstreamException e) {
            disconnectQuietly(c);
            throw e;
        } catch (IOException e) {
            disconnectQuietly(c);
            throw DownstreamException.unavailable("session setup with " + target + ": " + e.getMessage(), e);
        }
    }

    private static java.util.Set<String> keywords(String[] ehloReply) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (int i = 1; ehloReply != null && i < ehloReply.length; i++) {
            String l = ehloReply[i];
            if (l.length() > 4) {
                out.add(l.substring(4).strip().split("[ =]", 2)[0].toUpperCase(java.util.Locale.ROOT));
            }
        }
        return java.util.Set.copyOf(out);
    }

    private static boolean offers(Client c, String extension) {
        for (String line : c.getReplyStrings()) {
            if (line.length() > 4 && line.substring(4).toUpperCase(java.util.Locale.ROOT).startsWith(extension)) {
                return true;
            }
        }
        return false;
    }

    /** The TLS protocol in use to the downstream, or null for plain text. */
    public String tls() {
        return tls;
    }

    /** MAIL FROM with the client's ESMTP parameters as it gave them (empty for none). */
    public DownstreamReply mail(String sender, String params) throws DownstreamException {
        return command(() -> client.sendCommand("MAIL", pathArgument("FROM", sender, params)), "MAIL");
    }

    /** FROM:<path> or TO:<path>, then the client's ESMTP parameters as it gave them (none: nothing). */
    private static String pathArgument(String keyword, String path, String params) {
        return keyword + ":<" + path + ">" + (params == null || params.isEmpty() ? "" : " " + params);
    }

    /**
     * MAIL and RCPT in one write, then their two replies, when the server offers PIPELINING (RFC
     * 2920); one after the other otherwise. The RCPT reply is null when MAIL was refused and the
     * two were not pipelined (a pipelined RCPT after a refused MAIL gets the server's 503).
     */
    public DownstreamReply[] mailAndRcpt(String sender, String mailParams, String recipient, String rcptParams)
            throws DownstreamException {
        if (!extensions.contains("PIPELINING")) {
            DownstreamReply m = mail(sender, mailParams);
            return new DownstreamReply[] {m, m.positive() ? rcpt(recipient, rcptParams) : null};
        }
        String mail = "MAIL " + pathArgument("FROM", sender, mailParams);
        String rcpt = "RCPT " + pathArgument("TO", recipient, rcptParams);
        try {
            OutputStream out = client.raw();
            out.write((mail + "\r\n" + rcpt + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw DownstreamException.broken("MAIL: " + e.getMessage(), e);
        }
        DownstreamReply m = command(client::getReply, "MAIL");
        DownstreamReply r = command(client::getReply, "RCPT");
        return new DownstreamReply[] {m, r};
    }

    /** RCPT TO with the client's ESMTP parameters as it gave them (empty for none). */
    public DownstreamReply rcpt(String recipient, String params) throws DownstreamException {
        return command(() -> client.sendCommand("RCPT", pathArgument("TO", recipient, params)), "RCPT");
    }

    /** The EHLO keywords the server offered (upper case, without their parameters). */
    public java.util.Set<String> extensions() {
        return extensions;
    }

    /** RSET; false when the connection is no longer usable. */
    public boolean reset() {
        try {
            return SMTPReply.isPositiveCompletion(client.rset());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * DATA, then the prefix (our headers) and the message, dot-stuffed, then the final dot.
     * Returns the server's answer to the end of data, which is the client's answer.
     */
    public DownstreamReply data(byte[] prefix, InputStream message) throws DownstreamException {
        DownstreamReply go = command(client::data, "DATA");
        if (go.code() != 354) {
            return go;
        }
        try {
            client.setSoTimeout((int) options.dataTimeout().toMillis());
            OutputStream out = dataOut();
            DotStuffer stuffer = new DotStuffer(out);
            stuffer.write(prefix, 0, prefix.length);
            byte[] buf = copyBuffer;
            int n;
            while ((n = message.read(buf)) != -1) {
                stuffer.write(buf, 0, n);
            }
            stuffer.finish();
            out.flush();
            int code = client.getReply();
            client.setSoTimeout((int) options.timeout().toMillis());
            return DownstreamReply.of(code, client.getReplyStrings());
        } catch (DownstreamException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw DownstreamException.broken("no answer to end of data within " + options.dataTimeout(), e);
        } catch (IOException e) {
            throw DownstreamException.broken("during DATA: " + e.getMessage(), e);
        }
    }

    /** One buffer per connection, not per message (a 64 KB buffer per message was a tenth of all allocation). */
    private OutputStream dataOut() {
        OutputStream raw = client.raw(); // the socket's stream; another after STARTTLS, so checked each time
        if (dataOut == null || dataOutOver != raw) {
            dataOut = new BufferedOutputStream(raw, 64 * 1024);
            dataOutOver = raw;
        }
        return dataOut;
    }

    private OutputStream dataOut;
    private OutputStream dataOutOver;
    private final byte[] copyBuffer = new byte[16 * 1024];

    private interface Command {
        int run() throws IOException;
    }

    private DownstreamReply command(Command c, String verb) throws DownstreamException {
        try {
            int code = c.run();
            return DownstreamReply.of(code, client.getReplyStrings());
        } catch (DownstreamException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw DownstreamException.broken("no answer to " + verb + " within " + options.timeout(), e);
        } catch (IOException e) {
            throw DownstreamException.broken(verb + ": " + e.getMessage(), e);
        }
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - idleSince;
    }

    boolean isOpen() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.setSoTimeout(2000);
                client.quit();
            }
        } catch (IOException ignored) {
            // The connection is being dropped anyway; QUIT is a courtesy.
        }
        disconnectQuietly(client);
    }

    private static void disconnectQuietly(Client c) {
        try {
            c.disconnect();
        } catch (IOException ignored) {
            // Nothing more can be done with a socket that fails to close.
        }
    }
}
