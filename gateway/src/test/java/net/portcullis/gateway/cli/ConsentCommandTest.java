package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentCommandTest {
    @TempDir
    Path dir;
    String conf;

    @BeforeEach
    void config() throws Exception {
        Path c = dir.resolve("gateway.yaml");
        Files.writeString(c, """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                store: {url: "jdbc:sqlite:%s"}
                """.formatted(dir.resolve("db.sqlite")));
        conf = c.toString();
    }

    @Test
    void grantConfirmRevokeShowAndHistory() {
        assertThat(Cli.run("consent", "grant", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example",
                "--method", "double-opt-in", "--evidence", "token 8f2c").exit()).isZero();
        assertThat(Cli.run("consent", "show", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example").out())
                .startsWith("pending:");
        Cli.run("consent", "confirm", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example", "--evidence", "<c@shop.example>");
        Cli.Result active = Cli.run("consent", "show", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example");
        assertThat(active.exit()).isZero();
        assertThat(active.out()).startsWith("active: decided by event #2 (confirm");
        Cli.run("consent", "revoke", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example", "--evidence", "unsubscribe link");
        assertThat(Cli.run("consent", "show", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example").out()).startsWith("revoked:");
        Cli.Result h = Cli.run("consent", "history", "--config", conf, "--recipient", "u@example.net");
        assertThat(h.out()).contains("grant   u@example.net <- shop.example via double-opt-in, evidence token 8f2c", "confirm", "revoke", "3 event(s)");
        assertThat(Cli.run("consent", "grant", "--config", conf, "--recipient", "u@example.net", "--sender", "shop.example",
                "--method", "telepathy", "--evidence", "x").err()).contains("--method 'telepathy': expected one of");
    }

    @Test
    void anImportWithABadLineNamesItAndAppliesNothingThenExportRoundTrips() throws Exception {
        StringBuilder csv = new StringBuilder(ConsentCommand.CSV_HEADER + "\n");
        for (int i = 1; i <= 9; i++) {
            csv.append("u").append(i).append("@example.net,shop.example,grant,import,list 2026-11,,,\n");
        }
        csv.append("not-an-address,shop.example,grant,import,list 2026-11,,,\n");
        Path f = Files.writeString(dir.resolve("in.csv"), csv);
        Cli.Result r = Cli.run("consent", "import", "--config", conf, f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(f + ":11: recipient 'not-an-address' is neither an address (user@domain) nor a domain — nothing was imported");
        assertThat(Cli.run("consent", "history", "--config", conf).out()).contains("0 event(s)");
        Files.writeString(f, csv.toString().replace("not-an-address", "u10@example.net"));
        assertThat(Cli.run("consent", "import", "--config", conf, f.toString()).out()).contains("imported 10 consent event(s)");
        assertThat(Cli.run("consent", "import", "--config", conf, f.toString()).out())
                .as("the same file again").contains("imported 0 consent event(s)", "(10 already present, not stored again)");
        assertThat(Cli.run("consent", "history", "--config", conf).out()).contains("10 event(s)");
        String exported = Cli.run("consent", "export", "--config", conf).out();
        assertThat(exported).startsWith(ConsentCommand.CSV_HEADER + "\n").contains("u10@example.net,shop.example,grant,import,list 2026-11,");
    }

    @Test
    void senderRegistry() {
        assertThat(Cli.run("sender", "register", "--config", conf, "Shop.Example", "--note", "contract 2026-14").out())
                .contains("registered bulk sender shop.example");
        assertThat(Cli.run("sender", "register", "--config", conf, "news.example").exit()).isZero();
        // the note is shown, not only stored
        assertThat(Cli.run("sender", "list", "--config", conf).out()).matches(
                "news\\.example  registered \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ by admin\n"
                + "shop\\.example  registered \\S+ by admin: contract 2026-14\n");
        assertThat(Cli.run("sender", "register", "--config", conf, "a@shop.example").err()).contains("is an address: register its domain");
    }
}
