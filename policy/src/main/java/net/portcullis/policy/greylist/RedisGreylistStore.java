package net.portcullis.policy.greylist;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
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
    private final RedisClient client;
    private final String prefix;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAt;

    public RedisGreylistStore(String url, String prefix, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        this.client.setOptions(io.lettuce.core.ClientOptions.builder()
                .socketOptions(io.lettuce.core.SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(io.lettuce.core.TimeoutOptions.enabled(timeout)).build());
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

    /** The connection, opened on first use and again after a failure, at most every 5 seconds. */
    private synchronized RedisCommands<String, String> redis() {
        if (connection != null && connection.isOpen()) {
            return connection.sync();
        }
        if (System.currentTimeMillis() < retryAt) {
            throw new io.lettuce.core.RedisException("not connected (next try in " + (retryAt - System.currentTimeMillis()) + " ms)");
        }
        try {
            connection = client.connect();
            return connection.sync();
        } catch (io.lettuce.core.RedisException e) {
            retryAt = System.currentTimeMillis() + 5000;
            throw e;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
