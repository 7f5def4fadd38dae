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

    /** Replaces the triplet of {@code key}. */
    void put(String key, Triplet t, Duration keep);

    /** Delivered messages counted for {@code key} (a network and a sender domain). */
    long delivered(String key);

    /** One more delivered message for {@code key}, kept for {@code keep}. */
    void deliveredOne(String key, Duration keep);
}
