package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.app.Gateway;
import net.portcullis.policy.dns.NsdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * gateway.yaml read again while mail flows: domains, trusted networks, limits and routes change
 * at once; what needs a restart is named and left as it was; a broken file is refused whole and
 * the running configuration stays. And the same through SIGHUP to a running `portcullis serve`.
 */
class ConfigReloadTest {
    @TempDir
    Path tmp;

    static String rcpt(GatewayHarness gw, String client, String rcpt) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(client, gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.write("RCPT TO:<" + rcpt + ">\r\n");
            return c.reply();
        }
    }

    @Test
    void whatCanChangeChangesAtOnceAndTheRestIsNamed() throws Exception {
        Wiser other = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = GatewayHarness.withWiser(tmp.resolve("var"), "limits: {recipients: 100}\n")) {
            assertThat(rcpt(gw, "127.0.0.1", "u@example.info")).startsWith("550 5.7.1 Relay access denied");
            assertThat(rcpt(gw, "127.0.0.4", "x@elsewhere.org")).startsWith("550 5.7.1 Relay access denied");
            Path file = tmp.resolve("gateway.yaml");
            Files.writeString(file, gw.yaml
                    .replace("domains: [example.net, example.org, example.com]", "domains: [example.net, example.org, example.com, example.info]")
                    .replace("trusted_networks: [127.0.0.2/32]", "trusted_networks: [127.0.0.2/32, 127.0.0.4/32]")
                    .replace("limits: {recipients: 100}", "limits: {recipients: 1}")
                    .replace("hostname: mx.example.net", "hostname: mx2.example.net")
                    + "routes: {example.org: [\"127.0.0.1:" + GatewayHarness.port(other) + "\"]}\n");
            Gateway.Reload r = gw.gateway.reload(file);
            assertThat(r.applied()).as(r.error()).isTrue();
            // (reports and hold follow: the DMARC reports' sender and submitter, and the digests' sender, are derived from it)
            assertThat(r.restartNeeded()).containsExactly("hostname", "reports", "hold");

            assertThat(rcpt(gw, "127.0.0.1", "u@example.info")).as("a new domain of ours").startsWith("250 ");
            assertThat(rcpt(gw, "127.0.0.4", "x@elsewhere.org")).as("a newly trusted network may relay").startsWith("250 ");
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                assertThat(c.expect(220)).as("the banner's name waits for a restart").contains("mx.example.net");
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                c.send("RCPT TO:<v@example.org>", 250);
                assertThat(c.send("RCPT TO:<w@example.org>", 452)).startsWith("452 4.5.3"); // limits.recipients: 1
                c.send("DATA", 354);
                c.write("From: a@other.org\r\nSubject: routed\r\n\r\nhi\r\n.\r\n");
                assertThat(c.reply()).startsWith("250 ");
            }
            assertThat(other.getMessages()).as("example.org's new route").hasSize(1);
            assertThat(gw.gateway.metrics().scrape()).containsPattern("portcullis_config_reloads_total 1\\.0");

            // a broken file is refused whole: what was reloaded stays in force
            Files.writeString(file, gw.yaml.replace("domains: [example.net, example.org, example.com]", "domains: [example.net"));
            Gateway.Reload broken = gw.gateway.reload(file);
            assertThat(broken.applied()).isFalse();
            assertThat(broken.error()).startsWith(file + ":").contains("not valid YAML");
            Files.writeString(file, gw.yaml.replace("trusted_networks: [127.0.0.2/32]", "trusted_networks: [10.0.0.1/8]"));
            assertThat(gw.gateway.reload(file).error()).startsWith("trusted_networks: '10.0.0.1/8' is not a CIDR range");
            assertThat(rcpt(gw, "127.0.0.1", "u@example.info")).startsWith("250 ");
            assertThat(gw.gateway.metrics().scrape()).containsPattern("portcullis_config_reload_failures_total 2\\.0");
        } finally {
            other.stop();
        }
    }

    /** A file cut short at a line boundary parses, with defaults for what is missing: a reload refuses to drop sections. */
    @Test
    void aFileCutShortIsRefusedNotAppliedWithDefaults() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(tmp.resolve("var"), "limits: {recipients: 100}\n")) {
            Path file = Files.writeString(tmp.resolve("gateway.yaml"), gw.yaml);
            gw.gateway.loadedFrom(file);
            String whole = gw.yaml;
            // the first lines only: listen, downstream, hostname, domains; the rest (trusted_networks, limits, rules...) gone
            String cut = String.join("\n", whole.lines().limit(4).toList()) + "\n";
            Files.writeString(file, cut);
            Gateway.Reload r = gw.gateway.reload(file);
            assertThat(r.applied()).isFalse();
            assertThat(r.error()).contains("no longer sets trusted_networks", "limits", "a reload does not drop sections");
            assertThat(net.portcullis.policy.testing.CapturedLog.lines()).anySatisfy(l -> assertThat(l)
                    .contains("ERROR", "reload refused, the running configuration stays", "no longer sets trusted_networks"));
            assertThat(rcpt(gw, "127.0.0.2", "x@elsewhere.org")).as("trusted_networks still in force").startsWith("250 ");
            // the whole file again reloads; adding a section is fine too
            Files.writeString(file, whole + "soft_bounce: false\n");
            assertThat(gw.gateway.reload(file).applied()).isTrue();
        }
    }

    /** The operator's way: edit the file, `systemctl reload` (SIGHUP) — here to a real `portcullis serve` process. */
    @Test
    void sighupToARunningGatewayAppliesTheEditedFile() throws Exception {
        Wiser sink = GatewayHarness.wiser((f, r) -> true);
        Process serve = null;
        try (NsdServer nsd = FleetTest.dns(tmp)) {
            int port = HaproxyTest.freePort();
            Path file = tmp.resolve("gateway.yaml");
            String yaml = """
                    listen: "127.0.0.1:%d"
                    hostname: mx.example.net
                    downstream: "127.0.0.1:%d"
                    domains: [example.net]
                    var_dir: %s
                    dns: {servers: ["127.0.0.1:%d"], timeout: 2s}
                    admin: {listen: "off"}
                    rules: {directory: %s, local: %s, lists: %s}
                    """.formatted(port, GatewayHarness.port(sink), tmp.resolve("var"), nsd.address().getPort(),
                    Path.of("../conf/rules").toAbsolutePath(), Files.createDirectories(tmp.resolve("local.d")),
                    Path.of("../conf/lists").toAbsolutePath());
            Files.writeString(file, yaml);
            serve = new ProcessBuilder(FleetTest.portcullis(tmp.resolve("logs"), "serve", "--config", file.toString()))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile()).start();
            String before = until(port, serve, "550");
            assertThat(before).startsWith("550 5.7.1 Relay access denied");
            Files.writeString(file, yaml.replace("domains: [example.net]", "domains: [example.net, example.info]"));
            new ProcessBuilder("kill", "-HUP", Long.toString(serve.pid())).start().waitFor();
            assertThat(until(port, serve, "250")).startsWith("250 ");
            assertThat(Files.readString(tmp.resolve("serve.log"))).contains("SIGHUP: reloading", "configuration reloaded");
        } finally {
            if (serve != null) {
                serve.destroy();
                serve.waitFor(30, TimeUnit.SECONDS);
            }
            sink.stop();
        }
    }

    /** RCPT TO u@example.info from 127.0.0.3 until the reply starts with {@code expected} (30 s at most). */
    private String until(int port, Process serve, String expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "(no answer)";
        while (System.nanoTime() < end) {
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.3", port)) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                c.write("RCPT TO:<u@example.info>\r\n");
                last = c.reply();
                if (last.startsWith(expected)) {
                    return last;
                }
            } catch (java.io.IOException notYet) {
                if (!serve.isAlive()) {
                    throw new IllegalStateException("serve exited: " + Files.readString(tmp.resolve("serve.log"), StandardCharsets.UTF_8));
                }
            }
            Thread.sleep(200);
        }
        return last + "\n" + Files.readString(tmp.resolve("serve.log"), StandardCharsets.UTF_8);
    }
}
