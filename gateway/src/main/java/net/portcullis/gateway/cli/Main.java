package net.portcullis.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis}: the command admins run. Each subcommand is its own class. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "Portcullis 0.1.0",
        description = "SMTP gateway filter: an in-line proxy in front of your mail server.",
        subcommands = {ServeCommand.class, RulesCommand.class, SignalsCommand.class, ListCommand.class, ReportCommand.class,
                ConsentCommand.class, SenderCommand.class, UsersCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
