package net.portcullis.gateway.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.policy.PasswordFile;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * One SMTP listener of the in-line proxy, built on SubEthaSMTP: our commands
 * ({@link SmtpCommands}), our DATA reader, the connection gate, PROXY protocol where the
 * listener says so, STARTTLS and AUTH. SubEthaSMTP's own Received header is off: ours, with TLS
 * details and our reference id, is added.
 */
public final class SmtpListener {
    private SmtpListener() {
    }

    /** What every listener shares: the sessions' threads, the gate, the protected servers, what is in force now. */
    public record Shared(GatewayConfig config, Supplier<GatewayContext> live, Downstreams pool, ConnectionGate gate,
                         ExecutorService sessions, SSLContext tls, PasswordFile users) { }

    public static SMTPServer build(GatewayConfig.Listener l, Shared s) throws IOException {
        GatewayConfig config = s.config();
        SMTPServer.Builder b = SMTPServer.port(l.address().port())
                .bindAddress(InetAddress.getByName(l.address().host()))
                .hostName(config.hostname())
                .softwareName("Portcullis")
                .messageHandlerFactory(context -> {
                    var session = (org.subethamail.smtp.server.Session) context;
                    return new Transaction(s.live().get(), s.pool(), session, s.gate().state(session));
                })
                .executorService(s.sessions())
                .sessionHandler(s.gate())
                .serverSocketFactory(ClientSocket.Listener::new)
                .insertReceivedHeaders(false)
                .maxConnections(config.limits().connections())
                .connectionTimeout((int) config.limits().idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxRecipients(-1) // enforced by MailTransaction, with an enhanced status code
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, config.limits().messageSize()))
                .backlog(1024);
        if (l.proxy()) {
            b.proxyHandler(new ProxyProtocol(l.proxyFrom()));
        }
        SSLContext tls = s.tls();
        if (tls != null) {
            b.enableTLS().startTlsSocketFactory(socket -> {
                var remote = (InetSocketAddress) socket.getRemoteSocketAddress();
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, remote.getHostString(), socket.getPort(), true);
                ssl.setUseClientMode(false);
                return ssl;
            });
        }
        PasswordFile users = s.users();
        if (users != null) {
            b.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
                if (!users.verify(user, password)) {
                    throw new LoginFailedException("535 5.7.8 Authentication credentials invalid");
                }
            }));
        }
        SMTPServer server = b.build();
        SmtpCommands.install(server.getCommandHandler(), new SmtpCommands.Context(s.gate(), s.pool(), s.live()));
        return server;
    }
}
