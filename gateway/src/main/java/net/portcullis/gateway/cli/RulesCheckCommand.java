package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigLoader;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.smtp.PolicyWiring;
import net.portcullis.rules.RuleError;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", description = "Lint rule files: exit 0 when clean, 1 with every error listed otherwise.")
final class RulesCheckCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "a directory of *.rules (lists from DIR/../lists); default: the config's rules, local.d and lists")
    Path dir;

    @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "used when no DIR is given (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() throws Exception {
        RuleLoader.Dirs dirs;
        if (dir != null) {
            dirs = RuleLoader.Dirs.single(dir);
        } else {
            try {
                GatewayConfig.Rules r = ConfigLoader.load(config).rules();
                dirs = new RuleLoader.Dirs(r.directory(), r.local(), r.lists());
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
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
