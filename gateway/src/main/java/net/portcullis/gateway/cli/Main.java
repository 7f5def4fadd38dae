package net.portcullis.gateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code portcullis}: the command admins run. Each subcommand is its own class. Standard output
 * carries only a command's output; logs go to standard error, and for every command but
 * {@code serve} and {@code milter} only warnings and errors unless {@code -v} is given.
 */
@Command(name = "portcullis", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "Portcullis 0.1.0",
        description = "SMTP gateway filter: an in-line proxy in front of your mail server.",
        subcommands = {ServeCommand.class, MilterCommand.class, RulesCommand.class, SignalsCommand.class, ListCommand.class, ReportCommand.class, DmarcCommand.class, PrivacyCommand.class,
                ConsentCommand.class, SenderCommand.class, UsersCommand.class, ReviewersCommand.class, LogCommand.class, HoldCommand.class, ConfigCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "log more to standard error (-v: info, -vv: debug)")
    boolean[] verbose = new boolean[0];

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its log level set per command before it runs. */
    public static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /** The same, reading PORTCULLIS_CONFIG from {@code env} (tests cannot set the process's environment). */
    static CommandLine commandLine(java.util.function.UnaryOperator<String> env) {
        CommandLine cl = new CommandLine(new Main());
        cl.setDefaultValueProvider(new ConfigDefault(env));
        cl.setExecutionExceptionHandler((e, command, parsed) -> failed(e));
        cl.setExecutionStrategy(parsed -> {
            CommandLine.ParseResult leaf = parsed;
            int v = 0;
            while (true) {
                v += leaf.matchedOption("-v") == null ? 0 : leaf.matchedOption("-v").<boolean[]>getValue().length;
                if (!leaf.hasSubcommand()) {
                    break;
                }
                leaf = leaf.subcommand();
            }
            // the serving commands log what they do (listeners, reloads, drains); the others only warnings
            boolean serve = parsed.hasSubcommand() && java.util.Set.of("serve", "milter").contains(parsed.subcommand().commandSpec().name());
            Level before = setLevel(v >= 2 ? Level.DEBUG : v == 1 || serve ? Level.INFO : Level.WARN);
            RunningGateway.newCommand();
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                setLevel(before); // for callers in the same JVM (tests); a real run exits here
            }
        });
        return cl;
    }

    /**
     * What escaped a command, in one line on standard error and the exit code of README's convention:
     * 1 not found, 2 a bad argument or input file, 74 an I/O or store error, 78 a configuration error,
     * 70 anything else (a bug: its stack trace goes to the log at debug level, -vv).
     */
    static int failed(Exception e) {
        LoggerFactory.getLogger(Main.class).debug("command failed", e);
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof net.portcullis.gateway.config.ConfigException) {
            System.err.println("portcullis: configuration error: " + what);
            return 78; // EX_CONFIG
        }
        if (e instanceof NotFound) {
            System.err.println("portcullis: " + what);
            return 1;
        }
        if (e instanceof java.nio.file.NoSuchFileException f) {
            System.err.println("portcullis: " + f.getFile() + ": no such file");
            return 2;
        }
        if (e instanceof java.nio.file.AccessDeniedException f) {
            System.err.println("portcullis: " + f.getFile() + ": permission denied");
            return 2;
        }
        if (e instanceof IllegalArgumentException) {
            System.err.println("portcullis: " + what);
            return 2;
        }
        if (e instanceof java.sql.SQLException) {
            System.err.println("portcullis: store error: " + what);
            return 74; // EX_IOERR
        }
        if (e instanceof java.io.IOException) {
            System.err.println("portcullis: " + what);
            return 74;
        }
        System.err.println("portcullis: " + e.getClass().getSimpleName() + ": " + what + " (run with -vv for the trace)");
        return 70;
    }

    /** Sets the root log level; returns the one before. */
    private static Level setLevel(Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
            ch.qos.logback.classic.Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
            Level before = root.getLevel();
            root.setLevel(level);
            return before;
        }
        return level;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
