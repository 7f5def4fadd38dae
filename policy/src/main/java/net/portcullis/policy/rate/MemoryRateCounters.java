package net.portcullis.policy.rate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Rate levels in this process (Caffeine), bounded in keys: past {@code maxKeys} the least
 * recently used go, and a key goes after {@code idle} without an event (longer than any window,
 * so a bucket is dropped only once drained).
 */
public final class MemoryRateCounters implements RateCounters {
    /** A bucket: its level at {@code at} (milliseconds of the clock). */
    private static final class Bucket {
        double level;
        long at;
    }

    private final Cache<String, Bucket> buckets;
    private final LongSupplier millis;

    public MemoryRateCounters(long maxKeys, Duration idle) {
        this(maxKeys, idle, System::currentTimeMillis);
    }

    MemoryRateCounters(long maxKeys, Duration idle, LongSupplier millis) {
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle).build();
        this.millis = millis;
    }

    @Override
    public double add(String key, long max, Duration window, long amount) {
        Bucket b = buckets.get(key, k -> new Bucket());
        synchronized (b) {
            long now = millis.getAsLong();
            b.level = drained(b, max, window, now) + amount;
            b.at = now;
            return b.level;
        }
    }

    @Override
    public double level(String key, long max, Duration window) {
        Bucket b = buckets.getIfPresent(key);
        if (b == null) {
            return 0;
        }
        synchronized (b) {
            return drained(b, max, window, millis.getAsLong());
        }
    }

    /** How many buckets are kept now: for the memory figure of the benchmark. */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static double drained(Bucket b, long max, Duration window, long now) {
        double rate = (double) max / window.toMillis();
        return Math.max(0, b.level - Math.max(0, now - b.at) * rate);
    }
}
