package net.portcullis.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule set in force. A reload reads and checks the whole set; only a set without a single
 * error replaces the old one, in one atomic swap. A broken set is logged, counted, and ignored:
 * the old rules stay in force.
 */
public final class RuleStore implements Supplier<RuleSet>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleStore.class);

    private final RuleLoader.Dirs dirs;
    private final Catalogue catalogue;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError;
    private WatchService watcher;

    private RuleStore(RuleLoader.Dirs dirs, Catalogue catalogue) {
        this.dirs = dirs;
        this.catalogue = catalogue;
    }

    /** Loads the initial set; the gateway does not start on errors. */
    public static RuleStore open(RuleLoader.Dirs dirs, Catalogue catalogue) throws RuleErrors, IOException {
        RuleStore s = new RuleStore(dirs, catalogue);
        s.current.set(RuleLoader.load(dirs, catalogue));
        return s;
    }

    @Override
    public RuleSet get() {
        return current.get();
    }

    /** Reloads; true when the new set is in force, false when the old one stays (see {@link #lastError()}). */
    public synchronized boolean reload() {
        try {
            RuleSet next = RuleLoader.load(dirs, catalogue);
            current.set(next);
            reloads.incrementAndGet();
            lastError = null;
            LOG.info("rules reloaded: {} rule(s) from {} file(s)", next.rules().size(), next.files().size());
            return true;
        } catch (RuleErrors | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // Whatever a rule file holds, the watcher lives on and the old set stays: a compiler
            // bug on one hostile file must not end hot reload for good.
            failures.incrementAndGet();
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error("rules NOT reloaded, the previous set stays in force: {}", lastError);
            return false;
        }
    }

    public long reloads() {
        return reloads.get();
    }

    public long failures() {
        return failures.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Reloads when a rule or list file changes (create, modify, delete), after a short settle time. */
    public void watch() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        List<Path> watched = new ArrayList<>();
        for (Path p : new Path[] {dirs.rules(), dirs.local(), dirs.lists(), dirs.local() == null ? null : dirs.local().resolve("lists")}) {
            if (p != null && Files.isDirectory(p)) {
                p.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                watched.add(p);
            }
        }
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    WatchKey key = watcher.take();
                    Thread.sleep(200); // editors write in several steps: let the burst settle
                    key.pollEvents();
                    key.reset();
                    WatchKey more;
                    while ((more = watcher.poll()) != null) {
                        more.pollEvents();
                        more.reset();
                    }
                    try {
                        reload();
                    } catch (RuntimeException | Error e) {
                        LOG.error("rule reload failed unexpectedly; still watching: {}", e.toString());
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed: stop watching
            }
        }, "rules-watcher");
        t.setDaemon(true);
        t.start();
        LOG.info("watching {} for rule changes", watched);
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }
}
