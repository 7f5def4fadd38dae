package net.portcullis.gateway.log;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.portcullis.policy.store.DecisionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes decisions to the store off the SMTP path: a bounded queue drained by one thread in
 * batches. SMTP never waits on it. When the store fails or the queue is full (a disk full, a
 * database down), mail keeps flowing: the decisions not stored are counted and logged, and the
 * JSON log line is written regardless. Old decisions are purged after {@code log.retention}.
 */
public final class DecisionWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionWriter.class);
    static final int BATCH = 500;
    /** How long a batch waits for more decisions before it is written. */
    static final long LINGER_MILLIS = 100;

    private final DecisionStore store;
    private final BlockingQueue<DecisionStore.Row> queue;
    private final Duration retention;
    private final Clock clock;
    private final LongAdder stored = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** Decisions queued, and those of them the drain has finished with (stored or failed): see awaitQueued. */
    private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong finished = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private long lastPurge;
    private long lastWarning;

    public DecisionWriter(DecisionStore store, int capacity, Duration retention, Clock clock) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.retention = retention;
        this.clock = clock;
        this.thread = new Thread(this::drain, "decision-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a decision; never blocks. */
    public void offer(DecisionStore.Row row) {
        if (queue.offer(row)) {
            queued.incrementAndGet();
        } else {
            failed.increment();
            warn("decision store queue full: decision " + row.ref() + " not stored (it is in the JSON log)");
        }
    }

    /** A decision its transaction wrote itself (a hold's, with the hold row): counted with the rest. */
    public void storedElsewhere() {
        stored.increment();
    }

    /**
     * Waits, at most {@code max}, until the decisions queued before this call are written (or
     * failed): a spam report can follow its message within the writer's linger, and must find
     * the message's decision. Returns whether they were.
     */
    public boolean awaitQueued(Duration max) throws InterruptedException {
        long target = queued.get();
        long end = System.nanoTime() + max.toNanos();
        synchronized (finished) {
            while (finished.get() < target) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(finished, left);
            }
        }
        return true;
    }

    private void finished(int n) {
        synchronized (finished) {
            finished.addAndGet(n);
            finished.notifyAll();
        }
    }

    public long stored() {
        return stored.sum();
    }

    /** Decisions that did not reach the store (write failure or full queue). */
    public long failed() {
        return failed.sum();
    }

    private void drain() {
        List<DecisionStore.Row> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                DecisionStore.Row first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    // linger a little for more: a commit (and its fsync) per decision cost more than the
                    // decisions themselves at a few hundred a second, and a wake-up per queued decision
                    // cost the sessions' threads; the store is for review, not the mail path
                    if (!closing) {
                        try {
                            Thread.sleep(LINGER_MILLIS);
                        } catch (InterruptedException e) {
                            closing = true; // write what is here, then stop
                        }
                    }
                    queue.drainTo(batch, BATCH - 1);
                    write(batch);
                    finished(batch.size());
                    batch.clear();
                }
                purgeNowAndThen();
            } catch (InterruptedException e) {
                closing = true;
            } catch (RuntimeException e) {
                failed.add(batch.size());
                finished(batch.size());
                batch.clear();
                warn("decision store: " + e);
            }
        }
    }

    private void write(List<DecisionStore.Row> batch) {
        try {
            store.append(batch);
            stored.add(batch.size());
        } catch (SQLException e) {
            failed.add(batch.size());
            warn("decision store: " + batch.size() + " decision(s) not stored (they are in the JSON log): " + e.getMessage());
        }
    }

    private void purgeNowAndThen() {
        long now = clock.millis();
        if (now - lastPurge < 3_600_000) {
            return;
        }
        lastPurge = now;
        try {
            int n = store.purgeBefore(clock.instant().minus(retention));
            if (n > 0) {
                LOG.info("decision store: {} decision(s) older than {} deleted", n, retention);
            }
        } catch (SQLException e) {
            warn("decision store: purge failed: " + e.getMessage());
        }
    }

    /** At most one warning a minute: a store that is down must not flood the log. */
    private void warn(String message) {
        long now = System.nanoTime();
        if (now - lastWarning > 60_000_000_000L || lastWarning == 0) {
            lastWarning = now;
            LOG.warn("{} ({} not stored so far)", message, failed.sum());
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
