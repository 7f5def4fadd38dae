package net.portcullis.gateway.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import net.portcullis.gateway.config.GatewayConfig;

/**
 * What a running gateway tells the admin commands: a file in its var_dir naming its process, the
 * configuration it was started with and its store. An admin command whose configuration opens
 * another store than the running gateway's says so on standard error (a store.url set only in
 * milter.yaml once made `list add` write where no gateway read).
 */
final class RunningGateway {
    static final String FILE = "portcullis.running";

    record Facts(long pid, String config, String store) { }

    /** Whether this command warned already: it opens the store more than once (hold release, rules test). */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /** A new command begins (Main, before each): it may warn once. */
    static void newCommand() {
        WARNED.set(false);
    }

    /** The warning of {@link #storeMismatch} on standard error, once per command. */
    static void warnIfOtherStore(GatewayConfig cfg) {
        String mismatch = storeMismatch(cfg);
        if (mismatch != null && WARNED.compareAndSet(false, true)) {
            System.err.println(mismatch);
        }
    }

    private RunningGateway() {
    }

    /** Written by serve and milter once they listen; removed at their end. */
    static Path announce(GatewayConfig cfg, Path config) throws IOException {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("config", config.toAbsolutePath().normalize().toString());
        p.setProperty("store", cfg.store().url());
        Files.createDirectories(cfg.varDir());
        Path file = cfg.varDir().resolve(FILE);
        Path tmp = cfg.varDir().resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "the running Portcullis gateway (removed when it stops)");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The gateway running with this var_dir, if its process is alive. */
    static Optional<Facts> find(Path varDir) {
        Path file = varDir.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            long pid = Long.parseLong(p.getProperty("pid", "-1"));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(new Facts(pid, p.getProperty("config", "?"), p.getProperty("store", "?")));
            }
        } catch (IOException | NumberFormatException e) {
            // no gateway running here (or a file it did not finish): nothing to compare with
        }
        return Optional.empty();
    }

    /** The warning an admin command prints when its store is not the running gateway's; null when they agree. */
    static String storeMismatch(GatewayConfig cfg) {
        return find(cfg.varDir()).filter(f -> !f.store().equals(cfg.store().url()))
                .map(f -> "portcullis: warning: the running gateway (pid " + f.pid() + ", " + f.config() + ") uses the store "
                        + f.store() + ", this command " + cfg.store().url() + ": what it changes is not what the gateway reads; "
                        + "give the gateway's file with --config or PORTCULLIS_CONFIG")
                .orElse(null);
    }
}
