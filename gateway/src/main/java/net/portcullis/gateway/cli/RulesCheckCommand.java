package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.rules.RuleError;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", description = "Lint rule files: exit 0 when clean, 1 with every error listed otherwise.")
final class RulesCheckCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "a directory of candidate *.rules; default: the config's rules, local.d and lists")
    Path dir;

    @Option(names = "--config", defaultValue = "conf/gateway.yaml",
            description = "the rules when no DIR is given, and the lists they read (default: ${DEFAULT-VALUE})")
    Path config;

    @Mixin
    RuleSources sources;

    @Override
    public Integer call() throws Exception {
        RuleLoader.Dirs dirs;
        try {
            if (dir != null) {
                dirs = sources.dirs(dir, config);
            } else {
                dirs = sources.configured(ConfigLoader.load(config).rules());
            }
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            return 78;
        } catch (RuleSources.Unresolved e) {
            System.err.println("portcullis: " + e.getMessage());
            return 2;
        }
        try {
            RuleSet set = RuleLoader.load(dirs, PolicyWiring.catalogue());
            System.out.println("ok: " + set.rules().size() + " rule(s) in " + set.files().size() + " file(s)");
            return 0;
        } catch (RuleErrors e) {
            for (RuleError err : e.errors()) {
                System.out.println(err);
            }
            System.out.println(e.errors().size() + " error(s)");
            return 1;
        }
    }
}
