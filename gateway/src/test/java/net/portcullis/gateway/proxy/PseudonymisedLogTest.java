package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log.pseudonymise: the decision log and the stored decisions name no address, yet `log query
 * --rcpt` and `privacy export` find the mail of an address, and `privacy erase` removes it.
 */
class PseudonymisedLogTest {
    @TempDir
    Path var;

    @Test
    void noAddressIsWrittenYetAnAddressesDecisionsAreFoundExportedAndErased() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, "log: {pseudonymise: true}\n")) {
            assertThat(gw.message("127.0.0.9", "news@shop.example", "alice@example.net", "hello")).startsWith("250 ");
            String line = gw.awaitDecisions(1).get(0);
            assertThat(line).doesNotContain("alice@", "news@").contains("@example.net", "@shop.example");
            assertThat(gw.downstream().getMessages().get(0).getEnvelopeReceiver()).as("the mail itself goes to alice")
                    .isEqualTo("alice@example.net");
            DecisionStoreEndToEndTest.awaitStored(gw, 1);
            assertThat(Files.readAllBytes(var.resolve("portcullis.db")).length).isPositive();

            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:"
                    + GatewayHarness.port(gw.downstream()) + "\ndomains: [example.net]\nvar_dir: " + var + "\n"
                    + "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: ../conf/lists}\n"
                    + "log: {pseudonymise: true}\n");
            var found = DecisionStoreEndToEndTest.cli("log", "query", "--rcpt", "alice@example.net", "--config", conf.toString());
            assertThat(found.exit()).as(found.err()).isZero();
            assertThat(found.out()).contains("accepted", "1 decision(s)").doesNotContain("alice@");
            assertThat(DecisionStoreEndToEndTest.cli("log", "query", "--rcpt", "bob@example.net", "--config", conf.toString()).out())
                    .doesNotContain("accepted");
            var export = DecisionStoreEndToEndTest.cli("privacy", "export", "alice@example.net", "--config", conf.toString());
            assertThat(export.out()).contains("\"decisions\" : [ {");
            var erased = DecisionStoreEndToEndTest.cli("privacy", "erase", "alice@example.net", "--yes", "--config", conf.toString());
            assertThat(erased.out()).as(erased.err()).contains("1 decision(s)");
            assertThat(DecisionStoreEndToEndTest.cli("log", "query", "--rcpt", "alice@example.net", "--config", conf.toString()).out())
                    .as("erased: no longer found").doesNotContain("accepted");
            var rotate = DecisionStoreEndToEndTest.cli("privacy", "rotate-key", "--config", conf.toString());
            assertThat(rotate.exit()).as(rotate.err()).isZero();
            assertThat(Files.readAllLines(var.resolve("pseudonym.key"))).hasSize(2);
        }
    }
}
