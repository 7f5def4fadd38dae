package net.portcullis.gateway.cli;

import java.util.concurrent.Callable;
import net.portcullis.gateway.smtp.PolicyWiring;
import net.portcullis.rules.SignalSpec;
import picocli.CommandLine.Command;

@Command(name = "signals", description = "List the signals rules may use: name, type, stage, meaning, example.")
final class SignalsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf("%-24s %-7s %-8s %-22s %s%n", "SIGNAL", "TYPE", "STAGE", "EXAMPLE", "MEANING");
        for (SignalSpec s : PolicyWiring.catalogue().all()) {
            System.out.printf("%-24s %-7s %-8s %-22s %s%n", s.name(), s.type().word(), s.stage().keyword(), s.example(), s.meaning());
        }
        return 0;
    }
}
