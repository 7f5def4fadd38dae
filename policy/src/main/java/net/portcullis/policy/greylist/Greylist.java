package net.portcullis.policy.greylist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Triplet greylisting: the first message of a (client network, sender, recipient) is deferred;
 * a retry after {@code delay} and within {@code window} passes, and the triplet then passes for
 * {@code lifetime}. The client's network rather than its address is the first part, so a
 * provider that retries from another address of its pool passes. A network and sender domain
 * with {@code autoAllow} delivered messages is not greylisted any more. State in this process
 * (Caffeine, bounded); a fleet would share it through Redis (to come).
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

    private static final class Triplet {
        final Instant first;
        volatile Instant passed;

        Triplet(Instant first) {
            this.first = first;
        }
    }

    private final Config config;
    private final Clock clock;
    private final Cache<String, Triplet> triplets;
    private final Cache<String, AtomicInteger> delivered;

    public Greylist(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Duration keep = config.window().compareTo(config.lifetime()) > 0 ? config.window() : config.lifetime();
        this.triplets = Caffeine.newBuilder().maximumSize(config.maxTriplets()).expireAfterAccess(keep).build();
        this.delivered = Caffeine.newBuilder().maximumSize(config.maxTriplets()).expireAfterAccess(config.lifetime()).build();
    }

    /** The greylist's answer for one recipient; records the triplet when it is new (idempotent: a second look sees it). */
    public Result check(InetAddress client, String sender, String recipient) {
        AtomicInteger n = delivered.getIfPresent(allowKey(client, sender));
        if (n != null && n.get() >= config.autoAllow()) {
            return Result.ALLOWED;
        }
        Instant now = clock.instant();
        String key = network(client) + "|" + lower(sender) + "|" + lower(recipient);
        Triplet t = triplets.get(key, k -> new Triplet(now));
        if (t.passed != null) {
            if (Duration.between(t.passed, now).compareTo(config.lifetime()) <= 0) {
                return Result.PASS;
            }
            triplets.invalidate(key); // passed too long ago: start over
            triplets.put(key, new Triplet(now));
            return Result.NEW;
        }
        Duration since = Duration.between(t.first, now);
        if (t.first.equals(now) || since.isZero()) {
            return Result.NEW;
        }
        if (since.compareTo(config.delay()) < 0) {
            return Result.EARLY;
        }
        if (since.compareTo(config.window()) > 0) {
            triplets.put(key, new Triplet(now)); // came back too late: a new first attempt
            return Result.NEW;
        }
        t.passed = now;
        return Result.PASS;
    }

    /** A message the mail server took: counts toward this network and sender domain's automatic allowlisting. */
    public void delivered(InetAddress client, String sender) {
        delivered.get(allowKey(client, sender), k -> new AtomicInteger()).incrementAndGet();
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
        String p = s == null ? "" : s.strip();
        if (p.startsWith("<") && p.endsWith(">")) {
            p = p.substring(1, p.length() - 1);
        }
        return p.toLowerCase(Locale.ROOT);
    }
}
