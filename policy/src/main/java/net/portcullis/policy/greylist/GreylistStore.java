package net.portcullis.policy.greylist;

import java.time.Duration;
import java.time.Instant;

/**
 * Where the greylist keeps its triplets and its counts of delivered mail: this process's memory
 * ({@link MemoryGreylistStore}) or Redis, shared by a fleet ({@link RedisGreylistStore}).
 */
public interface GreylistStore {
    /** A triplet: when it was first seen, and when it passed (null: not yet). */
    record Triplet(Instant first, Instant passed) { }

    /**
     * The triplet of {@code key}, created with {@code first = now} when absent; {@code created}
     * says which. Kept for {@code keep} after its last change.
     */
    record Seen(Triplet triplet, boolean created) { }

    Seen seen(String key, Instant now, Duration keep);

    /** The triplet of {@code key}, or null: a look that records nothing. */
    Triplet find(String key);

    /** Replaces the triplet of {@code key}. */
    void put(String key, Triplet t, Duration keep);

    /** Delivered messages counted for {@code key} (a network and a sender domain). */
    long delivered(String key);

    /** One more delivered message for {@code key}, kept for {@code keep}. */
    void deliveredOne(String key, Duration keep);

    /**
     * A view that only reads (`rules test`): a first attempt is reported as new without starting
     * its clock, and nothing is counted, so explaining a verdict never changes the next one.
     */
    static GreylistStore readOnly(GreylistStore store) {
        return new GreylistStore() {
            @Override
            public Seen seen(String key, Instant now, Duration keep) {
                Triplet t = store.find(key);
                return t == null ? new Seen(new Triplet(now, null), true) : new Seen(t, false);
            }

            @Override
            public Triplet find(String key) {
                return store.find(key);
            }

            @Override
            public void put(String key, Triplet t, Duration keep) {
            }

            @Override
            public long delivered(String key) {
                return store.delivered(key);
            }

            @Override
            public void deliveredOne(String key, Duration keep) {
            }
        };
    }
}
