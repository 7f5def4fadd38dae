package net.portcullis.policy.greylist;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Triplet greylisting: the first message of a (client network, sender, recipient) is deferred;
 * a retry after {@code delay} and within {@code window} passes, and the triplet then passes for
 * {@code lifetime}. The client's network rather than its address is the first part, so a
 * provider that retries from another address of its pool passes. A network and sender domain
 * with {@code autoAllow} delivered messages is not greylisted any more. State in a
 * {@link GreylistStore}: this process's memory, or Redis for a fleet.
 */
public final class Greylist {
    /** @param delay 0 (Duration.ZERO) is not allowed: a retry must wait */
    public record Config(Duration delay, Duration window, Duration lifetime, int autoAllow, int v4Prefix, int v6Prefix,
                         long maxTriplets) {
        public static Config defaults() {
            return new Config(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(36), 5, 24, 64, 1_000_000);
        }
    }

    /** What the greylist says of one recipient. */
    public enum Result {
        /** first seen now: defer */
        NEW,
        /** seen before, but the retry came before the delay: defer */
        EARLY,
        /** a retry after the delay (or a triplet that passed lately): pass */
        PASS,
        /** this network and sender domain delivered enough mail: pass without a triplet */
        ALLOWED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Greylist.class);
    private final Config config;
    private final Clock clock;
    private final GreylistStore store;
    private final boolean failOpen;
    private final Duration keep;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastLog;

    /** In this process's memory. */
    public Greylist(Config config, Clock clock) {
        this(config, clock, new MemoryGreylistStore(config.maxTriplets(), keep(config)), true);
    }

    /**
     * @param failOpen when the store cannot be reached: pass (true) or make the signals unavailable,
     *                 so that a rule reading them fails temporarily (false)
     */
    public Greylist(Config config, Clock clock, GreylistStore store, boolean failOpen) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.failOpen = failOpen;
        this.keep = keep(config);
    }

    private static Duration keep(Config c) {
        return c.window().compareTo(c.lifetime()) > 0 ? c.window() : c.lifetime();
    }

    /**
     * The greylist's answer for one recipient; records the triplet when it is new (idempotent: a
     * second look sees it).
     *
     * @throws IllegalStateException the store cannot be reached and the greylist fails closed
     */
    public Result check(InetAddress client, String sender, String recipient) {
        try {
            return decide(client, sender, recipient);
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            failed(e);
            if (failOpen) {
                return Result.PASS;
            }
            throw new IllegalStateException("greylist unavailable (" + e.getMessage() + ")", e);
        }
    }

    private Result decide(InetAddress client, String sender, String recipient) {
        if (store.delivered(allowKey(client, sender)) >= config.autoAllow()) {
            return Result.ALLOWED;
        }
        Instant now = clock.instant();
        String key = network(client) + "|" + lower(sender) + "|" + lower(recipient);
        GreylistStore.Seen seen = store.seen(key, now, keep);
        GreylistStore.Triplet t = seen.triplet();
        if (seen.created() || t.first().equals(now)) {
            return Result.NEW;
        }
        if (t.passed() != null) {
            if (Duration.between(t.passed(), now).compareTo(config.lifetime()) <= 0) {
                return Result.PASS;
            }
            store.put(key, new GreylistStore.Triplet(now, null), keep); // passed too long ago: start over
            return Result.NEW;
        }
        Duration since = Duration.between(t.first(), now);
        if (since.compareTo(config.delay()) < 0) {
            return Result.EARLY;
        }
        if (since.compareTo(config.window()) > 0) {
            store.put(key, new GreylistStore.Triplet(now, null), keep); // came back too late: a new first attempt
            return Result.NEW;
        }
        store.put(key, new GreylistStore.Triplet(t.first(), now), keep);
        return Result.PASS;
    }

    /** The same greylist, only looking (`rules test`): see {@link GreylistStore#readOnly}. */
    public Greylist readOnly() {
        return new Greylist(config, clock, GreylistStore.readOnly(store), failOpen);
    }

    /** A message the mail server took: counts toward this network and sender domain's automatic allowlisting. */
    public void delivered(InetAddress client, String sender) {
        try {
            store.deliveredOne(allowKey(client, sender), config.lifetime());
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Looks and counts that failed because the store could not be reached. */
    public long failures() {
        return failures.get();
    }

    private void failed(RuntimeException e) {
        failures.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastLog > 60_000) {
            lastLog = now;
            LOG.warn("greylist store unavailable ({}): {} ({} so far)", e.getMessage(),
                    failOpen ? "recipients pass (fail open)" : "greylist signals unavailable (fail closed: 451)", failures.get());
        }
    }

    /** The store, for closing. */
    public GreylistStore store() {
        return store;
    }

    public Config config() {
        return config;
    }

    private String allowKey(InetAddress client, String sender) {
        String s = lower(sender);
        return network(client) + "|" + s.substring(s.lastIndexOf('@') + 1);
    }

    private String network(InetAddress a) {
        return net.portcullis.policy.rate.ClientNetwork.of(a, config.v4Prefix(), config.v6Prefix());
    }

    private static String lower(String s) {
        return net.portcullis.policy.MailAddress.bare(s).toLowerCase(Locale.ROOT);
    }
}
