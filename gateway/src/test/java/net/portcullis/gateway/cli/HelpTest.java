package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --help works on every command and subcommand: usage on stdout, exit 0. */
class HelpTest {
    static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(path);
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> all = new ArrayList<>();
        collect(Main.commandLine(), List.of(), all);
        assertThat(all).hasSizeGreaterThan(20);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("exit of %s", args).isZero();
            assertThat(r.out()).as("usage of %s", args).startsWith("Usage: portcullis" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
        }
    }
}
