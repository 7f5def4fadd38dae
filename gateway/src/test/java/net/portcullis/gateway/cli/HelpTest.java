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

    /** Every option and parameter of every command says what it is: --help is the reference a newcomer reads. */
    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> bare = new ArrayList<>();
        walk(Main.commandLine(), "portcullis", bare);
        assertThat(bare).as("options and parameters without a description").isEmpty();
    }

    static void walk(CommandLine cl, String name, List<String> bare) {
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (String.join("", o.description()).isBlank()) {
                bare.add(name + " " + o.longestName());
            }
        }
        for (CommandLine.Model.PositionalParamSpec p : cl.getCommandSpec().positionalParameters()) {
            if (String.join("", p.description()).isBlank()) {
                bare.add(name + " " + p.paramLabel());
            }
        }
        cl.getSubcommands().forEach((k, v) -> walk(v, name + " " + k, bare));
    }
}
