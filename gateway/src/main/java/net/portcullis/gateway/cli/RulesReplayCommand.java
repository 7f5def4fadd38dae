package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.portcullis.gateway.smtp.PolicyWiring;
import net.portcullis.policy.Replay;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", description = "Re-decide recorded traffic under candidate rules (no DNS queries) and report what would change.")
final class RulesReplayCommand implements Callable<Integer> {
    @Option(names = "--log", required = true, description = "a decision log (logs/decisions.jsonl)")
    Path log;

    @Option(names = "--rules", required = true, description = "a directory of candidate *.rules (lists from DIR/../lists)")
    Path rules;

    @Option(names = "--examples", defaultValue = "3", description = "examples shown per rule (default: ${DEFAULT-VALUE})")
    int examples;

    @Override
    public Integer call() throws Exception {
        RuleSet set;
        try {
            set = RuleLoader.load(RuleLoader.Dirs.single(rules), PolicyWiring.catalogue());
        } catch (RuleErrors e) {
            System.err.println("portcullis: " + e.getMessage());
            return 1;
        }
        Replay.Report report = Replay.run(log, set, PolicyWiring.catalogue());
        System.out.print(report.render(examples));
        return 0;
    }
}
