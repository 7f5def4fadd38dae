package net.portcullis.policy.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lists as the gateway reads them: snapshots refreshed from the store every interval (a
 * change made with `portcullis list` or by another gateway of the fleet takes effect within it).
 * A failed refresh keeps the last good snapshot and says so in the log.
 */
public final class Lists implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lists.class);

    public record Snapshots(ListSnapshot black, ListSnapshot white) { }

    private final ListStore store;
    private final Clock clock;
    private final AtomicReference<Snapshots> current = new AtomicReference<>();
    private ScheduledExecutorService timer;

    public Lists(ListStore store, Clock clock) throws java.sql.SQLException {
        this.store = store;
        this.clock = clock;
        load();
    }

    /** Fixed lists for tests and tools. */
    public static Snapshots of(List<ListEntry> entries, Clock clock) {
        return new Snapshots(ListSnapshot.of(ListEntry.Color.BLACK, entries, clock.instant()),
                ListSnapshot.of(ListEntry.Color.WHITE, entries, clock.instant()));
    }

    public void load() throws java.sql.SQLException {
        current.set(of(store.all(), clock));
    }

    public Snapshots get() {
        return current.get();
    }

    public void refreshEvery(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lists-refresh");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                load();
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.warn("list refresh failed, keeping the previous lists: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
