package net.portcullis.policy.rate;

import java.time.Duration;

/**
 * Where the levels of the rate limits live: this process's memory by default (Redis for a fleet
 * is to come). A level is a leaky bucket — each event adds to it, it drains at {@code max} per
 * {@code window} — so it reads as "about this many in the last window" without keeping every
 * event. Buckets are grouped by subject (a client, a network, a domain, …): one entry per
 * subject holds the buckets of all its limits.
 */
public interface RateCounters {
    /** Adds {@code amount} to the bucket {@code limit} of {@code subject} and returns its level after. */
    double add(String subject, String limit, long max, Duration window, long amount);

    /** The bucket's level now (0 for one never seen or drained). */
    double level(String subject, String limit, long max, Duration window);
}
