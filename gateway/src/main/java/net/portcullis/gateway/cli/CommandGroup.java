package net.portcullis.gateway.cli;

/** A command that only groups subcommands: run alone, it shows their usage on standard error. */
abstract class CommandGroup implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
