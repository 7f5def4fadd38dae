package net.portcullis.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.rules.RuleLoader;
import picocli.CommandLine.Option;

/**
 * Where the commands that load candidate rules (rules check DIR, rules replay) find the lists and
 * site overrides those rules read: one resolution for both, so that a folder that checks clean
 * replays, and the other way round. --lists and --local first; else the configuration's
 * rules.lists (the lists live traffic reads); else DIR/../lists beside a copied conf/; else none.
 */
final class RuleSources {
    @Option(names = "--lists", description = "the lists the rules read (default: rules.lists of --config, else DIR/../lists)")
    Path lists;

    @Option(names = "--local", description = "a directory of site overrides (as conf/local.d) to load over the rules; default: none")
    Path local;

    /** A configuration error that leaves no list folder to use. */
    static final class Unresolved extends Exception {
        Unresolved(String message) {
            super(message, null, false, false);
        }
    }

    RuleLoader.Dirs dirs(Path rules, Path config) throws Unresolved {
        Path listDir = lists;
        if (listDir == null) {
            try {
                listDir = ConfigLoader.load(config).rules().lists();
            } catch (ConfigException e) {
                // no configuration to go by: the lists beside a copied conf/rules, or none (a rule that names one is then an error)
                Path parent = rules.toAbsolutePath().getParent();
                Path beside = parent == null ? null : parent.resolve("lists");
                listDir = beside != null && Files.isDirectory(beside) ? beside : null;
            }
        }
        if (listDir != null && !Files.isDirectory(listDir)) {
            throw new Unresolved((lists != null ? "--lists" : "rules.lists of " + config) + ": '" + listDir + "' is not a directory");
        }
        if (local != null && !Files.isDirectory(local)) {
            throw new Unresolved("--local: '" + local + "' is not a directory");
        }
        return new RuleLoader.Dirs(rules, local, listDir);
    }

    /** The configuration's own rules, local overrides and lists, each replaced by --lists or --local when given. */
    RuleLoader.Dirs configured(GatewayConfig.Rules r) throws Unresolved {
        Path listDir = lists == null ? r.lists() : lists;
        Path localDir = local == null ? r.local() : local;
        if (lists != null && !Files.isDirectory(lists)) {
            throw new Unresolved("--lists: '" + lists + "' is not a directory");
        }
        return new RuleLoader.Dirs(r.directory(), localDir, listDir);
    }
}
