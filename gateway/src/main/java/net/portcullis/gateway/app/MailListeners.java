package net.portcullis.gateway.app;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.gateway.milter.MilterServer;
import net.portcullis.gateway.proxy.SmtpListener;
import net.portcullis.gateway.tls.TlsContexts;
import net.portcullis.policy.PasswordFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Where mail comes in: one SMTP server per {@code listen} entry (the proxy shape) and the milter
 * server (milter.listen), built together, started together (a listener that cannot bind stops
 * the ones already started), stopped together.
 */
final class MailListeners {
    private static final Logger LOG = LoggerFactory.getLogger(MailListeners.class);

    private final GatewayConfig config;
    private final List<SMTPServer> servers;
    /** Null when milter.listen is off. */
    private final MilterServer milter;

    MailListeners(GatewayConfig config, SmtpListener.Shared proxy, MilterServer.Shared milterShared, Metrics metrics) throws IOException {
        this.config = config;
        List<SMTPServer> built = new ArrayList<>();
        for (GatewayConfig.Listener l : config.listeners()) {
            built.add(SmtpListener.build(l, proxy));
        }
        this.servers = List.copyOf(built);
        this.milter = !config.milter().on() ? null : new MilterServer(config.milter(), config.limits().connections(), milterShared);
        if (milter != null) {
            metrics.counter("portcullis.milter.connections", "connections from the MTA taken (milter)", milter,
                    MilterServer::connections);
            metrics.counter("portcullis.milter.refused", "connections from the MTA refused: limits.connections were open", milter,
                    MilterServer::refused);
            metrics.counter("portcullis.milter.protocol.errors", "connections from the MTA closed for a protocol error", milter,
                    MilterServer::protocolErrors);
            metrics.gauge("portcullis.milter.open", "connections from the MTA open now", milter::open);
        }
    }

    /** Our TLS for STARTTLS: the configured keystore, else a self-signed certificate; none for a milter-only gateway (the MTA does TLS). */
    static SSLContext tls(GatewayConfig config) throws IOException, GeneralSecurityException {
        if (!config.tls().enabled() || config.listeners().isEmpty()) {
            return null;
        }
        return config.tls().keystore() != null
                ? TlsContexts.server(config.tls().keystore(), config.tls().password())
                : TlsContexts.selfSigned(config.varDir(), config.hostname());
    }

    /** The AUTH users (auth.users_file), or null when AUTH is off. */
    static PasswordFile users(GatewayConfig config) throws IOException {
        return config.usersFile() == null ? null : PasswordFile.load(config.usersFile());
    }

    /** Binds every listener; the first that cannot bind stops the others and names its key. */
    void start() throws IOException {
        for (int i = 0; i < servers.size(); i++) {
            try {
                servers.get(i).start();
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) {
                    servers.get(j).stop();
                }
                Throwable c = e.getCause() != null ? e.getCause() : e;
                String key = servers.size() > 1 ? "listen[" + i + "]" : "listen";
                throw new IOException(key + ": '" + config.listeners().get(i).address() + "' cannot be bound: " + c.getMessage(), e);
            }
        }
        if (milter != null) {
            try {
                milter.start();
            } catch (IOException e) {
                for (SMTPServer s : servers) {
                    s.stop();
                }
                milter.close();
                throw new IOException(e.getMessage().startsWith("milter.listen") ? e.getMessage()
                        : "milter.listen: '" + config.milter().listen() + "' cannot be bound: " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < servers.size(); i++) {
            GatewayConfig.Listener l = config.listeners().get(i);
            LOG.info("Portcullis listening on {}:{}{} for {}, relaying to {}", l.address().host(), servers.get(i).getPortAllocated(),
                    l.proxy() ? " (PROXY protocol from " + l.proxyFrom().ranges() + ")" : "", config.domains(), config.downstream());
        }
    }

    /** Every SMTP listener's port, in the order of {@code listen}. */
    List<Integer> ports() {
        return servers.stream().map(SMTPServer::getPortAllocated).toList();
    }

    /** Connections from the MTA open now (0 when milter.listen is off). */
    int milterOpen() {
        return milter == null ? 0 : milter.open();
    }

    /** The milter server's TCP port; -1 when milter.listen is off or a Unix socket. */
    int milterPort() {
        return milter == null ? -1 : milter.port();
    }

    void close() {
        for (SMTPServer server : servers) {
            server.stop();
        }
        if (milter != null) {
            milter.close();
        }
    }
}
