package net.portcullis.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.policy.Replay;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replay", description = "Re-decide recorded traffic under candidate rules (no DNS queries) and report what would change.")
final class RulesReplayCommand implements Callable<Integer> {
    @Option(names = "--log", required = true, description = "a decision log (logs/decisions.jsonl)")
    Path log;

    @Option(names = "--rules", required = true, description = "a directory of candidate *.rules")
    Path rules;

    @Mixin
    RuleSources sources;

    @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "where the default lists come from (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--examples", defaultValue = "3", description = "examples shown per rule (default: ${DEFAULT-VALUE})")
    int examples;

    @Override
    public Integer call() throws Exception {
        RuleLoader.Dirs dirs;
        try {
            dirs = sources.dirs(rules, config);
        } catch (RuleSources.Unresolved e) {
            System.err.println("portcullis: " + e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(log)) {
            System.err.println("portcullis: --log: '" + log + "' is not a file");
            return 2;
        }
        RuleSet set;
        try {
            set = RuleLoader.load(dirs, PolicyWiring.catalogue());
        } catch (RuleErrors e) {
            System.err.println("portcullis: " + e.getMessage());
            return 1;
        }
        Replay.Report report = Replay.run(log, set, PolicyWiring.catalogue());
        System.out.print(report.render(examples, rules + (dirs.local() == null ? "" : " over " + dirs.local()) + " (lists from " + dirs.lists() + ")"));
        return 0;
    }
}
