package net.portcullis.gateway.cli;

import picocli.CommandLine.Command;

@Command(name = "rules", description = "Check, test and replay policy rule files.",
        subcommands = {RulesCheckCommand.class, RulesTestCommand.class, RulesReplayCommand.class})
final class RulesCommand {
}
