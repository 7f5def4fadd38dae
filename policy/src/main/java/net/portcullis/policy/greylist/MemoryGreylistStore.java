package net.portcullis.policy.greylist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The greylist in this process's memory (Caffeine, bounded): a restart forgets it. */
final class MemoryGreylistStore implements GreylistStore {
    private final Cache<String, Triplet> triplets;
    private final Cache<String, AtomicLong> delivered;

    /** @param keep how long an untouched entry stays (the longest of the greylist's window and lifetime) */
    public MemoryGreylistStore(long maxEntries, Duration keep) {
        this.triplets = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).expireAfterAccess(keep).build();
        this.delivered = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).expireAfterAccess(keep).build();
    }

    @Override
    public Triplet find(String key) {
        return triplets.getIfPresent(key);
    }

    @Override
    public Seen seen(String key, Instant now, Duration keep) {
        boolean[] created = {false};
        Triplet t = triplets.get(key, k -> {
            created[0] = true;
            return new Triplet(now, null);
        });
        return new Seen(t, created[0]);
    }

    @Override
    public void put(String key, Triplet t, Duration keep) {
        triplets.put(key, t);
    }

    @Override
    public long delivered(String key) {
        AtomicLong n = delivered.getIfPresent(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public void deliveredOne(String key, Duration keep) {
        delivered.get(key, k -> new AtomicLong()).incrementAndGet();
    }
}
