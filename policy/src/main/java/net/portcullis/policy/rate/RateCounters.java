package net.portcullis.policy.rate;

import java.time.Duration;

/**
 * Where the levels of the rate limits live: this process's memory by default, Redis for a fleet.
 * A level is a leaky bucket — each event adds to it, it drains at {@code max} per {@code window}
 * — so it reads as "about this many in the last window" without keeping every event.
 */
public interface RateCounters {
    /** Adds {@code amount} to the bucket of {@code key} and returns its level after. */
    double add(String key, long max, Duration window, long amount);

    /** The bucket's level now (0 for a key never seen or drained). */
    double level(String key, long max, Duration window);
}
