package net.portcullis.policy.greylist;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The greylist in Redis, shared by a fleet: a hash per triplet (first, passed) and a counter per
 * network and sender domain, each expiring after {@code keep}. Errors are Lettuce's
 * RedisException: {@link Greylist} decides what they mean (redis.fail).
 */
public final class RedisGreylistStore implements GreylistStore, AutoCloseable {
    private final net.portcullis.policy.redis.RedisLink link;
    private final String prefix;
    private final boolean ownsLink;

    public RedisGreylistStore(String url, String prefix, Duration timeout) {
        this(new net.portcullis.policy.redis.RedisLink(url, timeout), true, prefix);
    }

    /** On a link the caller owns (and closes): one connection for all of a gateway's shared state. */
    public RedisGreylistStore(net.portcullis.policy.redis.RedisLink link, String prefix) {
        this(link, false, prefix);
    }

    private RedisGreylistStore(net.portcullis.policy.redis.RedisLink link, boolean owned, String prefix) {
        this.link = link;
        this.ownsLink = owned;
        this.prefix = prefix;
    }

    @Override
    public Seen seen(String key, Instant now, Duration keep) {
        RedisCommands<String, String> r = redis();
        String k = prefix + "t:" + key;
        boolean created = r.hsetnx(k, "first", Long.toString(now.toEpochMilli()));
        Map<String, String> h = created ? Map.of("first", Long.toString(now.toEpochMilli())) : r.hgetall(k);
        if (created) {
            r.pexpire(k, keep.toMillis());
        }
        String first = h.get("first");
        String passed = h.get("passed");
        return new Seen(new Triplet(first == null ? now : Instant.ofEpochMilli(Long.parseLong(first)),
                passed == null ? null : Instant.ofEpochMilli(Long.parseLong(passed))), created);
    }

    @Override
    public Triplet find(String key) {
        Map<String, String> h = redis().hgetall(prefix + "t:" + key);
        String first = h.get("first");
        if (first == null) {
            return null;
        }
        String passed = h.get("passed");
        return new Triplet(Instant.ofEpochMilli(Long.parseLong(first)), passed == null ? null : Instant.ofEpochMilli(Long.parseLong(passed)));
    }

    @Override
    public void put(String key, Triplet t, Duration keep) {
        RedisCommands<String, String> r = redis();
        String k = prefix + "t:" + key;
        r.del(k);
        r.hset(k, "first", Long.toString(t.first().toEpochMilli()));
        if (t.passed() != null) {
            r.hset(k, "passed", Long.toString(t.passed().toEpochMilli()));
        }
        r.pexpire(k, keep.toMillis());
    }

    @Override
    public long delivered(String key) {
        String v = redis().get(prefix + "d:" + key);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public void deliveredOne(String key, Duration keep) {
        RedisCommands<String, String> r = redis();
        r.incr(prefix + "d:" + key);
        r.pexpire(prefix + "d:" + key, keep.toMillis());
    }

    private RedisCommands<String, String> redis() {
        return link.sync();
    }

    @Override
    public void close() {
        if (ownsLink) {
            link.close();
        }
    }
}
