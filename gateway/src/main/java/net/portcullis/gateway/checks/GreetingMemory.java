package net.portcullis.gateway.checks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisException;
import net.portcullis.policy.redis.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients that waited for our banner lately (postscreen's cache): they are not paused
 * again until {@code greeting.remember} has passed. In this process's memory, or in Redis so
 * that a client that waited at one gateway of a fleet is not paused at the next.
 */
public interface GreetingMemory extends AutoCloseable {
    boolean remembers(InetAddress client);

    void remember(InetAddress client);

    void forget(InetAddress client);

    @Override
    default void close() {
    }

    static GreetingMemory inMemory(Duration remember) {
        Cache<InetAddress, Boolean> passed = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(remember).maximumSize(1_000_000).build();
        return new GreetingMemory() {
            @Override
            public boolean remembers(InetAddress client) {
                return passed.getIfPresent(client) != null;
            }

            @Override
            public void remember(InetAddress client) {
                passed.put(client, Boolean.TRUE);
            }

            @Override
            public void forget(InetAddress client) {
                passed.invalidate(client);
            }
        };
    }

    /**
     * In Redis, one key per client expiring after {@code remember}, on the gateway's link (which
     * the gateway closes). Redis down, a client is not remembered: it pays the pause again, mail
     * still flows (the cache can only fail open).
     */
    public final class InRedis implements GreetingMemory {
        private static final Logger LOG = LoggerFactory.getLogger(GreetingMemory.class);
        private final RedisLink link;
        private final String prefix;
        private final Duration remember;
        private final AtomicLong failures = new AtomicLong();

        public InRedis(RedisLink link, String prefix, Duration remember) {
            this.link = link;
            this.prefix = prefix;
            this.remember = remember;
        }

        @Override
        public boolean remembers(InetAddress client) {
            try {
                return link.sync().exists(prefix + client.getHostAddress()) > 0;
            } catch (RedisException e) {
                failed(e);
                return false;
            }
        }

        @Override
        public void remember(InetAddress client) {
            try {
                link.sync().psetex(prefix + client.getHostAddress(), remember.toMillis(), "1");
            } catch (RedisException e) {
                failed(e);
            }
        }

        @Override
        public void forget(InetAddress client) {
            try {
                link.sync().del(prefix + client.getHostAddress());
            } catch (RedisException e) {
                failed(e);
            }
        }

        public long failures() {
            return failures.get();
        }

        private void failed(RedisException e) {
            if (failures.getAndIncrement() % 1000 == 0) {
                LOG.warn("greeting cache in Redis unavailable, clients pay the greeting pause again: {}", e.getMessage());
            }
        }

    }
}
