package net.portcullis.policy.reputation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.portcullis.policy.rate.ClientNetwork;

/**
 * The gateway's side of reputation: events are added up in memory and written to the store in
 * batches ({@link #flush}, every few seconds), since a write per delivered message would cost
 * more than the message; reads come from a cache of the store, refreshed every {@code refresh},
 * plus what this gateway has not written yet, so its own last minutes count at once. A batch
 * the store does not take stays for the next (up to {@code MAX_PENDING} subjects; past that,
 * new subjects' events are counted as dropped, never blocking mail).
 */
public final class ReputationBook {
    /** How much each event adds: to the bad total (spam report, refusal) or the good (not spam, delivery). */
    public record Weights(double spamReport, double hamReport, double refusal, double delivery) { }

    static final int MAX_PENDING = 200_000;

    private final ReputationStore store;
    private final Duration halfLife;
    private final Weights weights;
    private final Clock clock;
    private final Cache<Reputation.Key, Reputation.Score> stored;
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private java.util.concurrent.ConcurrentHashMap<Reputation.Key, double[]> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();

    public ReputationBook(ReputationStore store, Duration halfLife, Weights weights, Duration refresh, Clock clock) {
        this.store = store;
        this.halfLife = halfLife;
        this.weights = weights;
        this.clock = clock;
        this.stored = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(refresh).maximumSize(1_000_000).build();
    }

    public Duration halfLife() {
        return halfLife;
    }

    /** A counted spam report (weight: how many reporters it counts for) about this source, sender domain and links. */
    public void spamReported(String source, String senderDomain, List<String> links, int weight) {
        report(source, senderDomain, links, weights.spamReport() * weight, 0);
    }

    /** A counted "not spam" report. */
    public void hamReported(String source, String senderDomain, List<String> links) {
        report(source, senderDomain, links, 0, weights.hamReport());
    }

    private void report(String source, String senderDomain, List<String> links, double bad, double good) {
        List<Reputation.Key> keys = new ArrayList<>(subjects(address(source), senderDomain));
        for (String l : links) {
            keys.add(new Reputation.Key(Reputation.Kind.LINK, l));
        }
        add(keys, bad, good);
    }

    /** A recipient refused (by a rule or the gateway). */
    public void refused(InetAddress client, String senderDomain) {
        add(subjects(client, senderDomain), weights.refusal(), 0);
    }

    /** A message delivered, whatever its recipient count: volume is no virtue. */
    public void delivered(InetAddress client, String senderDomain) {
        add(subjects(client, senderDomain), 0, weights.delivery());
    }

    /** The subject's value now, in (-1, 1): the store's totals decayed to now, plus this gateway's unwritten events. */
    public double value(Reputation.Key k) throws SQLException {
        Instant now = clock.instant();
        Reputation.Score s = stored.getIfPresent(k);
        if (s == null) {
            s = store.read(k);
            stored.put(k, s);
        }
        Reputation.Score v = s.decayedTo(now, halfLife);
        swap.readLock().lock();
        try {
            double[] d = pending.get(k);
            if (d != null) {
                synchronized (d) {
                    v = v.plus(d[0], d[1]);
                }
            }
        } finally {
            swap.readLock().unlock();
        }
        return v.value();
    }

    /** Writes the events added since the last flush; returns how many subjects it wrote. */
    public int flush() throws SQLException {
        Map<Reputation.Key, double[]> batch;
        swap.writeLock().lock();
        try {
            batch = pending;
            pending = new java.util.concurrent.ConcurrentHashMap<>();
        } finally {
            swap.writeLock().unlock();
        }
        try {
            store.add(batch, clock.instant(), halfLife);
        } catch (SQLException | RuntimeException e) {
            swap.writeLock().lock();
            try {
                // the store did not take it: back in front of what came since, for the next flush
                batch.forEach((k, d) -> pending.merge(k, d, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}));
            } finally {
                swap.writeLock().unlock();
            }
            throw e;
        }
        stored.invalidateAll(batch.keySet());
        return batch.size();
    }

    /** Events not kept because too many subjects waited for a store that did not take them. */
    public long dropped() {
        return dropped.sum();
    }

    private void add(List<Reputation.Key> keys, double bad, double good) {
        if (bad == 0 && good == 0) {
            return;
        }
        swap.readLock().lock();
        try {
            for (Reputation.Key k : keys) {
                double[] d = pending.get(k);
                if (d == null) {
                    if (pending.size() >= MAX_PENDING) {
                        dropped.increment();
                        continue;
                    }
                    d = pending.computeIfAbsent(k, x -> new double[2]);
                }
                synchronized (d) {
                    d[0] += bad;
                    d[1] += good;
                }
            }
        } finally {
            swap.readLock().unlock();
        }
    }

    /** The client, its network (/24, /64) and the sender's domain; whichever is known. */
    public static List<Reputation.Key> subjects(InetAddress client, String senderDomain) {
        List<Reputation.Key> keys = new ArrayList<>(3);
        if (client != null) {
            keys.add(new Reputation.Key(Reputation.Kind.CLIENT, client.getHostAddress()));
            keys.add(new Reputation.Key(Reputation.Kind.NETWORK, ClientNetwork.of(client, 24, 64)));
        }
        if (senderDomain != null && !senderDomain.isEmpty()) {
            keys.add(new Reputation.Key(Reputation.Kind.SENDER_DOMAIN, senderDomain.toLowerCase(java.util.Locale.ROOT)));
        }
        return keys;
    }

    private static InetAddress address(String ip) {
        return ip == null || ip.isEmpty() ? null : net.portcullis.rules.Network.addressOrNull(ip);
    }
}
