package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `privacy export` and `privacy erase` on the store a gateway wrote. */
class PrivacyCommandTest {
    @TempDir
    Path var;

    @Test
    void exportShowsWhatIsStoredAndEraseLeavesAPseudonymKeepingTheConsentEvidence() throws Exception {
        Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:2525\n"
                + "domains: [example.net]\nvar_dir: " + var + "\nrules: {directory: ../conf/rules, lists: ../conf/lists}\n");
        // a decision as the gateway stores it
        var db = ListsAccess.store(net.portcullis.gateway.app.ConfigLoader.load(conf)).database();
        new net.portcullis.policy.store.DecisionStore(db).append(java.util.List.of(new net.portcullis.policy.store.DecisionStore.Row(
                "PRIV0001", java.time.Instant.now(), "transaction", "192.0.2.1", "news@shop.example", "accepted", null,
                java.util.List.of("alice@example.net"), "{\"time\":\"2026-12-01T10:00:00Z\",\"ref\":\"PRIV0001\",\"event\":\"transaction\","
                + "\"client\":\"192.0.2.1\",\"sender\":\"news@shop.example\",\"recipients\":[{\"address\":\"alice@example.net\","
                + "\"outcome\":\"accepted\"}],\"verdict\":\"accepted\",\"signals\":{}}")));
        assertThat(Cli.run("consent", "grant", "--recipient", "alice@example.net", "--sender", "shop.example", "--method", "web-form", "--evidence", "form 7",
                "--config", conf.toString()).exit()).isZero();

        Cli.Result out = Cli.run("privacy", "export", "alice@example.net", "--config", conf.toString());
        assertThat(out.exit()).as(out.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(out.out());
        assertThat(doc.get("decisions")).hasSize(1);
        assertThat(doc.get("consent_events")).hasSize(1);

        Cli.Result refused = Cli.run("privacy", "erase", "alice@example.net", "--config", conf.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--yes");
        Cli.Result erased = Cli.run("privacy", "erase", "alice@example.net", "--yes", "--config", conf.toString());
        assertThat(erased.exit()).as(erased.err()).isZero();
        assertThat(erased.out()).contains("is now erased-", "1 decision(s)", "kept: 1 consent event(s)");
        JsonNode after = new ObjectMapper().readTree(Cli.run("privacy", "export", "alice@example.net", "--config", conf.toString()).out());
        assertThat(after.get("decisions")).isEmpty();
        assertThat(Cli.run("log", "show", "PRIV0001", "--config", conf.toString()).out()).doesNotContain("alice@example.net");
    }
}
