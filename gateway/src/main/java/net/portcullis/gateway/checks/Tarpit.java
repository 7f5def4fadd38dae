package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slows the replies to a client whose transaction scores high (tarpit.score; the rules' score
 * actions make the score): each RCPT reply and the end-of-data reply wait tarpit.delay. At most
 * tarpit.max_sessions sessions wait at once; past that replies go out at once (counted), so a
 * flood of bad clients cannot hold every connection slot of ours in a tarpit.
 */
public final class Tarpit {
    /** @param score null: off */
    public record Config(Long score, Duration delay, int maxSessions) {
        public static Config off() {
            return new Config(null, Duration.ofSeconds(5), 100);
        }
    }

    private final Config config;
    private final Semaphore slots;
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong full = new AtomicLong();

    public Tarpit(Config config) {
        this.config = config;
        this.slots = new Semaphore(config.maxSessions());
    }

    /** Waits before a reply when the score calls for it and a slot is free; true when it waited. */
    public boolean delay(long score) {
        if (config.score() == null || score < config.score()) {
            return false;
        }
        if (!slots.tryAcquire()) {
            full.incrementAndGet();
            return false;
        }
        try {
            delayed.incrementAndGet();
            Thread.sleep(config.delay().toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            slots.release();
        }
    }

    /** Replies delayed so far. */
    public long delayed() {
        return delayed.get();
    }

    /** Replies not delayed because max_sessions were already waiting. */
    public long full() {
        return full.get();
    }
}
