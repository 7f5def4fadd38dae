package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.portcullis.gateway.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reputation in live traffic: users' reports of mail the gateway delivered raise its client's
 * reputation, written to the store in the next batch, and a rule reading it refuses that client's
 * next message while a neighbour on its /24 gets through.
 */
class ReputationEndToEndTest {
    @TempDir
    Path var;

    @Test
    void reportsOfDeliveredMailRaiseItsClientsReputationWhichARuleReads() throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-reputation.rules"), """
                rule reputation-refuses
                  stage rcpt
                  when reputation.client >= 40
                  reject 554 5.7.1 "Client {client.ip} has a reputation of {reputation.client}"
                """);
        try (GatewayHarness gw = GatewayHarness.withWiser(var, "reputation: {flush: 100ms, refresh: 100ms}\nreports: {reporters: 10}\n")) {
            assertThat(gw.message("127.0.0.9", "deals@other.org", "alice@example.net", "cheap offer")).startsWith("250 ");
            byte[] delivered = gw.downstream().getMessages().get(0).getData();
            assertThat(gw.gateway.reportIntake().ingestMessage("alice@example.net", true, delivered).counted()).isTrue();
            assertThat(gw.gateway.reportIntake().ingestMessage("bob@example.net", true, delivered).counted()).isTrue();
            // bad 2 against good 0.02 (the one delivery): (2 - 0.02) / (2 + 0.02 + 1) = 66
            String refused = Eventually.value("the reports to reach the store and the rule", Duration.ofSeconds(10),
                    () -> gw.message("127.0.0.9", "deals@other.org", "carol@example.net", "again"), r -> r.startsWith("554"));
            assertThat(refused).startsWith("554 5.7.1 Client 127.0.0.9 has a reputation of 6");
            assertThat(gw.message("127.0.0.10", "news@other.org", "carol@example.net", "hello"))
                    .as("a neighbour: only its network's reputation is bad, which this rule does not read").startsWith("250 ");
        }
    }
}
