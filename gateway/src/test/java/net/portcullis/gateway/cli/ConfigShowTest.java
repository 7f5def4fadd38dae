package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config show: the settings in force with defaults filled in; -n only what the file changes; --json; a bad file exits 78. */
class ConfigShowTest {
    @TempDir
    Path dir;

    @Test
    void everySettingInForceAndOnlyTheChangedOnesWithN() throws Exception {
        Path conf = Files.writeString(dir.resolve("g.yaml"), """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net, example.org]
                limits: {recipients: 50, message_size: 10M}
                downstream_options: {mark_down: 30s}
                store: {url: "jdbc:sqlite:/tmp/x.db", password: hunter2}
                """);
        Cli.Result all = Cli.run("config", "show", "--config", conf.toString());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("hostname = mx.example.net\n", "domains = [example.net, example.org]\n",
                "limits.recipients = 50\n", "limits.idle_timeout = ", "downstream_options.mark_down = 30s\n",
                "dmarc.public_suffix_list = (none)\n", "store.password = (set, not shown)\n").doesNotContain("hunter2");
        Cli.Result changed = Cli.run("config", "show", "-n", "--config", conf.toString());
        assertThat(changed.out()).contains("limits.recipients = 50\n", "limits.message_size = 10M\n", "hostname = ")
                .doesNotContain("limits.idle_timeout", "downstream_options.mark_down", "dmarc.");
        JsonNode j = new ObjectMapper().readTree(Cli.run("config", "show", "--json", "--config", conf.toString()).out());
        assertThat(j.get("limits.recipients").get("value").asText()).isEqualTo("50");
        assertThat(j.get("limits.recipients").get("set").asBoolean()).isTrue();
        assertThat(j.get("downstream_options.timeout").get("set").asBoolean()).isFalse();
        Cli.Result bad = Cli.run("config", "show", "--config", Files.writeString(dir.resolve("b.yaml"), "limits: {recipients: many}\n").toString());
        assertThat(bad.exit()).isEqualTo(78);
        assertThat(bad.out()).isEmpty();
    }
}
