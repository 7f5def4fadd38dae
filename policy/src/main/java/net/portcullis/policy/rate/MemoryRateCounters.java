package net.portcullis.policy.rate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Rate levels in this process (Caffeine), bounded in subjects: past {@code maxSubjects} the least
 * recently used go, and a subject goes after {@code idle} without an event (longer than any
 * window, so its buckets are dropped only once drained). One entry per subject with its few
 * buckets in small arrays: a tracked client costs about 300 bytes, not 200 a limit.
 */
public final class MemoryRateCounters implements RateCounters {
    /** The buckets of one subject: the limit's name, its level, when that level was. */
    private static final class Buckets {
        String[] names = new String[0];
        double[] levels = new double[0];
        long[] at = new long[0];

        int slot(String limit) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(limit)) {
                    return i;
                }
            }
            return -1;
        }

        int add(String limit) {
            int n = names.length;
            names = Arrays.copyOf(names, n + 1);
            levels = Arrays.copyOf(levels, n + 1);
            at = Arrays.copyOf(at, n + 1);
            names[n] = limit;
            return n;
        }
    }

    private final Cache<String, Buckets> subjects;
    private final LongSupplier millis;

    public MemoryRateCounters(long maxSubjects, Duration idle) {
        this(maxSubjects, idle, System::currentTimeMillis);
    }

    MemoryRateCounters(long maxSubjects, Duration idle, LongSupplier millis) {
        // maintenance on the counting thread (Caffeine amortises it): handing it to the common pool woke
        // a thread several times a message (bench/profile.sh)
        this.subjects = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxSubjects).expireAfterAccess(idle).build();
        this.millis = millis;
    }

    @Override
    public double add(String subject, String limit, long max, Duration window, long amount) {
        Buckets b = subjects.get(subject, k -> new Buckets());
        synchronized (b) {
            int i = b.slot(limit);
            if (i < 0) {
                i = b.add(limit);
            }
            long now = millis.getAsLong();
            b.levels[i] = drained(b.levels[i], b.at[i], max, window, now) + amount;
            b.at[i] = now;
            return b.levels[i];
        }
    }

    @Override
    public double level(String subject, String limit, long max, Duration window) {
        Buckets b = subjects.getIfPresent(subject);
        if (b == null) {
            return 0;
        }
        synchronized (b) {
            int i = b.slot(limit);
            return i < 0 ? 0 : drained(b.levels[i], b.at[i], max, window, millis.getAsLong());
        }
    }

    /** How many subjects are tracked now: for the memory figure of the benchmark. */
    public long size() {
        subjects.cleanUp();
        return subjects.estimatedSize();
    }

    private static double drained(double level, long at, long max, Duration window, long now) {
        double rate = (double) max / window.toMillis();
        return Math.max(0, level - Math.max(0, now - at) * rate);
    }
}
