package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hold: the client hears 250 only once the message is kept, encrypted, on disk; nothing is
 * relayed; `portcullis hold` lists, shows, releases (to every original recipient) and deletes;
 * held messages expire.
 */
class HoldEndToEndTest {
    static final String HOLD_RULE = """
            rule hold-for-review
              stage data
              when mail.from_domain == "held.example"
              hold "mail from {mail.from_domain} is reviewed first"
            """;
    static final String MESSAGE = "From: a@held.example\r\nSubject: quarterly\r\n\r\nSECRET-BODY line\r\n";

    @TempDir
    Path var;

    GatewayHarness start() throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-hold.rules"), HOLD_RULE);
        return GatewayHarness.withWiser(var, null);
    }

    static String deliver(GatewayHarness gw) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@held.example>", 250);
            c.send("RCPT TO:<u1@example.net>", 250);
            c.send("RCPT TO:<u2@example.net>", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            String reply = c.expect(250);
            assertThat(reply).startsWith("250 2.0.0 Held for review [ref ");
            return DecisionStoreEndToEndTest.ref(reply);
        }
    }

    @Test
    void aHeldMessageIsKeptEncryptedListedAndReleasedToEveryRecipient() throws Exception {
        try (GatewayHarness gw = start()) {
            String ref = deliver(gw);
            assertThat(gw.downstream().getMessages()).as("nothing relayed").isEmpty();
            assertThat(gw.awaitDecisions(1).get(0)).contains("\"verdict\":\"held\"", "\"decided_by\":\"hold-for-review\"");
            DecisionStoreEndToEndTest.awaitStored(gw, 1);
            byte[] raw = gw.gateway.holds().rawFile(ref);
            assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("SECRET-BODY", "quarterly");

            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:"
                    + GatewayHarness.port(gw.downstream()) + "\ndomains: [example.net]\nvar_dir: " + var + "\n"
                    + "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: ../conf/lists}\n");
            var list = DecisionStoreEndToEndTest.cli("hold", "list", "--json", "--config", conf.toString());
            JsonNode arr = new ObjectMapper().readTree(list.out());
            assertThat(arr).singleElement().satisfies(n -> {
                assertThat(n.get("ref").asText()).isEqualTo(ref);
                assertThat(n.get("rule").asText()).isEqualTo("hold-for-review");
                assertThat(n.get("reason").asText()).isEqualTo("mail from held.example is reviewed first");
                assertThat(n.get("recipients")).hasSize(2);
            });
            assertThat(DecisionStoreEndToEndTest.cli("hold", "show", ref, "--config", conf.toString()).out())
                    .contains("held      ", "by rule hold-for-review", "a@held.example -> u1@example.net, u2@example.net",
                            "Subject: quarterly", "Received: from client.other.org");

            // (log show folds long lines: read it unfolded)
            assertThat(DecisionStoreEndToEndTest.cli("log", "show", ref, "--config", conf.toString()).out().replaceAll("\n +", " "))
                    .contains("HELD", "what now  held for review by rule hold-for-review: release it with `bin/portcullis hold release " + ref + "`");
            var released = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--by", "reviewer", "--config", conf.toString());
            assertThat(released.exit()).as(released.err()).isZero();
            assertThat(gw.downstream().getMessages()).extracting(m -> m.getEnvelopeReceiver())
                    .containsExactlyInAnyOrder("u1@example.net", "u2@example.net");
            String data = new String(gw.downstream().getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
            assertThat(data).startsWith("Received: from client.other.org").endsWith(MESSAGE);
            assertThat(gw.gateway.holds().find(ref).state()).isEqualTo("released");
            assertThat(gw.gateway.holds().find(ref).actedBy()).isEqualTo("reviewer");
            var again = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--config", conf.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains(ref + " is released, not held");
        }
    }

    /** Release decides again on the recorded signals, with today's rules less the one that held it. */
    @Test
    void releaseChecksTheRulesInForceNowLessTheHoldingOne() throws Exception {
        try (GatewayHarness gw = start()) {
            String ref = deliver(gw);
            DecisionStoreEndToEndTest.awaitStored(gw, 1);
            Files.writeString(var.resolve("local.d/95-refuse.rules"), """
                    rule refuse-held-example
                      stage data
                      when mail.from_domain == "held.example"
                      reject 550 5.7.1 "No mail from {mail.from_domain}"
                    """);
            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:"
                    + GatewayHarness.port(gw.downstream()) + "\ndomains: [example.net]\nvar_dir: " + var + "\n"
                    + "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: ../conf/lists}\n");
            var refused = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--config", conf.toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("the rules in force now refuse it: refuse-held-example (550 No mail from held.example)",
                    ref + " stays held");
            assertThat(gw.downstream().getMessages()).isEmpty();
            var forced = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--force", "--config", conf.toString());
            assertThat(forced.exit()).as(forced.err()).isZero();
            assertThat(gw.downstream().getMessages()).hasSize(2);
        }
    }

    @Test
    void heldMessagesAreDeletedOnRequestAndExpire() throws Exception {
        try (GatewayHarness gw = start()) {
            String first = deliver(gw);
            String second = deliver(gw);
            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:1\n"
                    + "domains: [example.net]\nvar_dir: " + var + "\n");
            assertThat(DecisionStoreEndToEndTest.cli("hold", "delete", first, "--config", conf.toString()).out())
                    .contains("deleted " + first);
            assertThat(gw.gateway.holds().find(first).state()).isEqualTo("deleted");
            assertThat(gw.gateway.holds().expire(Instant.now().plus(Duration.ofDays(13)))).isZero();
            assertThat(gw.gateway.holds().expire(Instant.now().plus(Duration.ofDays(15)))).isEqualTo(1);
            assertThat(gw.gateway.holds().find(second).state()).isEqualTo("expired");
            assertThat(gw.gateway.holds().list(false)).isEmpty();
            assertThat(gw.downstream().getMessages()).isEmpty();
        }
    }

    /**
     * A held message survives the gateway's sudden death: a gateway in a process of its own
     * holds a message, is killed with SIGKILL right after its 250, and the message is then
     * listed and released.
     */
    @Test
    void aHeldMessageSurvivesKillNineRightAfterThe250() throws Exception {
        org.subethamail.wiser.Wiser ds = GatewayHarness.wiser((f, r) -> true);
        Process gateway = null;
        try {
            Files.createDirectories(var.resolve("local.d"));
            Files.writeString(var.resolve("local.d/90-hold.rules"), HOLD_RULE);
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path conf = Files.writeString(var.resolve("g.yaml"), """
                    listen: 127.0.0.1:%d
                    hostname: mx.example.net
                    downstream: 127.0.0.1:%d
                    domains: [example.net]
                    trusted_networks: [127.0.0.1/32]
                    var_dir: %s
                    admin: {listen: "off"}
                    dns: {servers: ["127.0.0.1:9"], timeout: 1s}
                    rules: {directory: ../conf/rules, local: %s, lists: ../conf/lists}
                    """.formatted(port, GatewayHarness.port(ds), var, var.resolve("local.d")));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            gateway = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "net.portcullis.gateway.cli.Main",
                    "serve", "--config", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(var.resolve("gateway.out").toFile()).start();
            long end = System.currentTimeMillis() + 30_000;
            boolean up = false;
            while (!up && System.currentTimeMillis() < end) {
                try (java.net.Socket probe = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                    up = true;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(up).as("gateway process started: " + Files.readString(var.resolve("gateway.out"))).isTrue();
            String ref;
            try (SmtpTestClient c = new SmtpTestClient(port)) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@held.example>", 250);
                c.send("RCPT TO:<u1@example.net>", 250);
                c.send("DATA", 354);
                c.write(MESSAGE + ".\r\n");
                ref = DecisionStoreEndToEndTest.ref(c.expect(250));
                gateway.destroyForcibly(); // SIGKILL, right after the 250
            }
            assertThat(gateway.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(DecisionStoreEndToEndTest.cli("hold", "list", "--config", conf.toString()).out()).contains(ref);
            // its decision too: written with the hold row, before the 250, not by the batch writer after it
            var decision = DecisionStoreEndToEndTest.cli("log", "show", ref, "--config", conf.toString());
            assertThat(decision.exit()).as(decision.err()).isZero();
            assertThat(decision.out()).contains("HELD", "by rule hold-for-review");
            var released = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--config", conf.toString());
            assertThat(released.exit()).as(released.out() + released.err()).isZero();
            assertThat(released.err()).doesNotContain("no stored decision");
            assertThat(ds.getMessages()).singleElement().satisfies(m -> assertThat(new String(m.getData(), StandardCharsets.ISO_8859_1))
                    .endsWith(MESSAGE));
        } finally {
            if (gateway != null) {
                gateway.destroyForcibly();
            }
            ds.stop();
        }
    }
}
