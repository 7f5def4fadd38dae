package net.portcullis.gateway.cli;

import java.util.concurrent.Callable;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.rules.SignalSpec;
import picocli.CommandLine.Command;

@Command(name = "signals", description = "List the signals rules may use: name, type, stage, meaning, example.")
final class SignalsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var all = PolicyWiring.catalogue().all();
        int width = Math.max(24, all.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        String row = "%-" + width + "s %-7s %-8s %-22s %s%n";
        System.out.printf(row, "SIGNAL", "TYPE", "STAGE", "EXAMPLE", "MEANING");
        for (SignalSpec s : all) {
            System.out.printf(row, s.name(), s.type().word(), s.stage().keyword(), s.example(), s.meaning());
        }
        return 0;
    }
}
