package net.portcullis.policy.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * One connection to Redis for a store of the fleet's shared state, with the deadlines a mail
 * path needs: connecting and every command give up after {@code timeout}, and after a failure
 * a new connection is tried at most every 5 seconds, so a Redis that is down costs a session
 * one short wait, not one per command.
 */
public final class RedisLink implements AutoCloseable {
    private static final long RETRY_MS = 5000;
    private final RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private long retryAt;

    public RedisLink(String url, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        this.client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
    }

    /**
     * The synchronous commands of the connection, opened on first use and again after it broke.
     *
     * @throws RedisException when Redis cannot be reached (now, or within the last 5 seconds)
     */
    public synchronized RedisCommands<String, String> sync() {
        if (connection != null && connection.isOpen()) {
            return connection.sync();
        }
        if (System.currentTimeMillis() < retryAt) {
            throw new RedisException("not connected (next try in " + (retryAt - System.currentTimeMillis()) + " ms)");
        }
        try {
            connection = client.connect();
            return connection.sync();
        } catch (RedisException e) {
            retryAt = System.currentTimeMillis() + RETRY_MS;
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
