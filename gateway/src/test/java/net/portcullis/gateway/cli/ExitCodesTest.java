package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * README "Exit codes": 0 done, 1 not found or a refused verdict, 2 a usage error or a bad argument or
 * input file, 74 an I/O or store error, 78 a configuration error; never a stack trace on stderr.
 */
class ExitCodesTest {
    @TempDir
    Path dir;

    String conf() throws Exception {
        return Files.writeString(dir.resolve("g.yaml"), """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                var_dir: %s
                dns: {servers: ["127.0.0.1:9"], timeout: 300ms}
                rules: {directory: ../conf/rules, local: ../conf/local.d, lists: ../conf/lists}
                """.formatted(dir.resolve("var"))).toString();
    }

    static void leaves(CommandLine cl, List<String> path, List<List<String>> out) {
        if (cl.getSubcommands().isEmpty()) {
            out.add(path);
        }
        cl.getSubcommands().forEach((k, v) -> {
            List<String> p = new ArrayList<>(path);
            p.add(k);
            leaves(v, p, out);
        });
    }

    @Test
    void anUnknownOptionIsAUsageErrorOnEveryCommand() {
        List<List<String>> all = new ArrayList<>();
        leaves(Main.commandLine(), List.of(), all);
        assertThat(all).hasSizeGreaterThan(30);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--no-such-option");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s", args).isEqualTo(2);
            assertThat(r.err()).as("%s", args).containsAnyOf("Unknown option: '--no-such-option'", "Missing required")
                    .contains("Usage: portcullis").doesNotContain("\tat ");
        }
    }

    record Case(int exit, String... args) { }

    @Test
    void eachCommandFollowsTheConvention() throws Exception {
        String c = conf();
        String missing = dir.resolve("nowhere.yaml").toString();
        Path log = Files.writeString(dir.resolve("d.jsonl"), "{\"event\":\"transaction\",\"ref\":\"AAAAAAAA\",\"signals\":{},\"recipients\":[]}\n");
        List<Case> cases = List.of(
                new Case(0, "signals"),
                new Case(0, "config", "show", "--config", c),
                new Case(78, "config", "show", "--config", missing),
                new Case(0, "rules", "check", "--config", c),
                new Case(78, "rules", "check", "--config", missing),
                new Case(0, "rules", "test", "--config", c, "--client-ip", "127.0.0.1", "--helo", "h.example", "--from", "a@b.example",
                        "--to", "u@example.net", "--auth", "ann"),
                new Case(1, "rules", "test", "--config", c, "--client-ip", "127.0.0.1", "--helo", "h.example", "--to", "v@elsewhere.example"),
                new Case(2, "rules", "test", "--config", c, "--client-ip", "not-an-ip", "--to", "u@example.net"),
                new Case(78, "rules", "test", "--config", missing, "--client-ip", "127.0.0.1", "--to", "u@example.net"),
                new Case(0, "rules", "replay", "--config", c, "--log", log.toString(), "--rules", "../conf/rules"),
                new Case(2, "rules", "replay", "--config", c, "--log", dir.resolve("none.jsonl").toString(), "--rules", "../conf/rules"),
                new Case(0, "list", "add", "--config", c, "--ip", "192.0.2.1", "--reason", "x"),
                new Case(0, "list", "show", "--config", c),
                new Case(1, "list", "remove", "--config", c, "--ip", "192.0.2.99"),
                new Case(2, "list", "add", "--config", c, "--ip", "300.1.1.1", "--reason", "x"),
                new Case(2, "list", "import", "--config", c, dir.resolve("none.csv").toString()),
                new Case(78, "list", "show", "--config", missing),
                new Case(2, "report", "ingest", "--config", c, dir.resolve("none.eml").toString()),
                new Case(78, "report", "ingest", "--config", missing, dir.resolve("none.eml").toString()),
                new Case(1, "log", "show", "--config", c, "NOSUCH12"),
                new Case(2, "log", "show", "--config", c, "not/a/ref"),
                new Case(0, "log", "query", "--config", c),
                new Case(0, "log", "stats", "--config", c, "--json"),
                new Case(1, "hold", "show", "--config", c, "NOSUCH12"),
                new Case(1, "hold", "release", "--config", c, "NOSUCH12"),
                new Case(1, "hold", "delete", "--config", c, "NOSUCH12"),
                new Case(0, "hold", "list", "--config", c),
                new Case(1, "consent", "show", "--config", c, "--recipient", "u@example.net", "--sender", "shop.example"),
                new Case(0, "consent", "history", "--config", c),
                new Case(0, "sender", "register", "--config", c, "shop.example"),
                new Case(2, "sender", "register", "--config", c, "a@shop.example"),
                new Case(0, "sender", "list", "--config", c),
                new Case(1, "reviewers", "remove", "nobody", "--file", dir.resolve("reviewers").toString()),
                new Case(2, "nosuchcommand"));
        for (Case k : cases) {
            Cli.Result r = Cli.run(k.args());
            assertThat(r.exit()).as("%s\n%s%s", String.join(" ", k.args()), r.out(), r.err()).isEqualTo(k.exit());
            assertThat(r.err()).as("no stack trace from %s", String.join(" ", k.args())).doesNotContain("\tat ", "Exception:");
        }
    }
}
