package net.portcullis.gateway.proxy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.app.Gateway;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.dns.InMemoryDns;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * A real gateway on a loopback port the OS picks, in front of a real downstream (Wiser, or a
 * scripted server), with the decision log kept in memory for assertions.
 */
final class GatewayHarness implements AutoCloseable {
    final Gateway gateway;
    final List<String> decisions = new CopyOnWriteArrayList<>();
    final InMemoryDns dns = new InMemoryDns().add("1.0.0.127.in-addr.arpa", "PTR", "localhost");

    GatewayHarness(int downstreamPort, Path varDir, String extraYaml) throws Exception {
        this(downstreamPort, varDir, extraYaml, null);
    }

    /** The whole configuration the gateway started with (a reload test edits it). */
    final String yaml;

    /** Whether the test's YAML sets this top-level key itself (the config refuses a key given twice). */
    private static boolean has(String yaml, String key) {
        return yaml.startsWith(key + ":") || yaml.contains("\n" + key + ":");
    }

    /** @param resolver the gateway's DNS; null: the in-memory {@link #dns} */
    GatewayHarness(int downstreamPort, Path varDir, String extraYaml, net.portcullis.policy.dns.Dns resolver) throws Exception {
        String extra = extraYaml == null ? "" : extraYaml;
        // the defaults of a test gateway; a key the test's YAML sets itself replaces its default
        java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put("listen", "127.0.0.1:0");
        defaults.put("downstream", "127.0.0.1:" + downstreamPort);
        defaults.put("hostname", "mx.example.net");
        defaults.put("domains", "[example.net, example.org, example.com]");
        defaults.put("trusted_networks", "[127.0.0.2/32]");
        defaults.put("var_dir", varDir.toString());
        defaults.put("downstream_options", "{timeout: 3s, connect_timeout: 2s, data_timeout: 3s}");
        defaults.put("admin", "{listen: 127.0.0.1:0}");
        StringBuilder y = new StringBuilder();
        defaults.forEach((k, v) -> {
            if (!has(extra, k)) {
                y.append(k).append(": ").append(v).append('\n');
            }
        });
        String yaml = y + extra + "\n";
        if (!yaml.contains("\nrules:")) {
            yaml += "rules: {directory: ../conf/rules, local: " + varDir.resolve("local.d") + ", lists: ../conf/lists}\n";
        }
        this.yaml = yaml;
        GatewayConfig cfg = ConfigLoader.parse(yaml);
        gateway = new Gateway(cfg, resolver == null ? dns : resolver, DecisionLog.to(decisions::add));
        gateway.start();
        gateway.awaitDownstreamProbe(Duration.ofSeconds(1));
        openedAtStart = gateway.pool().opened();
    }

    private final long openedAtStart;

    /** Connections opened to the downstream since the start-up probe: what the tests' traffic caused. */
    long downstreamConnections() {
        return gateway.pool().opened() - openedAtStart;
    }

    int port() {
        return gateway.port();
    }

    /** Decision lines, waiting briefly: a transaction's line is written when the client ends it. */
    List<String> awaitDecisions(int n) throws Exception {
        Eventually.within(Duration.ofSeconds(5), () -> decisions.size() >= n);
        return decisions;
    }

    private Wiser owned;

    /** A gateway in front of a Wiser that accepts everything; both stop at close. */
    static GatewayHarness withWiser(Path varDir, String extraYaml) throws Exception {
        Wiser w = wiser((f, r) -> true);
        try {
            GatewayHarness g = new GatewayHarness(port(w), varDir, extraYaml);
            g.owned = w;
            return g;
        } catch (Exception | Error e) {
            w.stop();
            throw e;
        }
    }

    /** The Wiser of {@link #withWiser}. */
    Wiser downstream() {
        return owned;
    }

    static Wiser wiser(Wiser.Accepter accepter) throws Exception {
        Wiser w = Wiser.accepter(accepter).server(SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress()).hostName("internal.example.net")
                .insertReceivedHeaders(false));
        w.start();
        return w;
    }

    static int port(Wiser w) {
        return w.getServer().getPortAllocated();
    }

    @Override
    public void close() {
        gateway.close();
        if (owned != null) {
            owned.stop();
        }
    }

    /** One message over SMTP from {@code fromAddress} (a loopback address): the RCPT refusal, or the end-of-data reply. */
    String message(String fromAddress, String sender, String rcpt, String body) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(fromAddress, port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<" + sender + ">", 250);
            c.write("RCPT TO:<" + rcpt + ">\r\n");
            String r = c.reply();
            if (!r.startsWith("250")) {
                return r;
            }
            c.send("DATA", 354);
            c.write("From: " + sender + "\r\nSubject: hi\r\n\r\n" + body + "\r\n.\r\n");
            return c.reply();
        }
    }

}
