package net.portcullis.policy.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The same leaky buckets in this process's memory and in a real Redis (the throwaway one of
 * bin/test, PORTCULLIS_TEST_REDIS_URL; each test a key prefix of its own), and what Redis being
 * down does: counting skipped, levels 0 (fail open) or an error (fail closed), never a hang.
 */
class RateCountersTest {
    static final String REDIS = net.portcullis.policy.store.Databases.REDIS_URL;

    static RateCounters counters(String kind) {
        return kind.equals("memory") ? new MemoryRateCounters(1000, Duration.ofHours(1))
                : new RedisRateCounters(REDIS, "test:" + UUID.randomUUID() + ":", Duration.ofSeconds(2), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void bucketsFillDrainAndStayApartByLimitAndSubject(String kind) throws Exception {
        RateCounters c = counters(kind);
        try {
            Duration second = Duration.ofSeconds(1);
            for (int i = 0; i < 10; i++) {
                c.add("client|192.0.2.1", "messages/1", 10, second, 1);
            }
            assertThat(c.level("client|192.0.2.1", "messages/1", 10, second)).isCloseTo(10.0, within(1.0));
            assertThat(c.level("client|192.0.2.1", "bytes/1", 10, second)).isZero();
            assertThat(c.level("client|192.0.2.2", "messages/1", 10, second)).isZero();
            assertThat(c.add("client|192.0.2.2", "messages/1", 10, second, 4)).isCloseTo(4.0, within(0.5));
            Thread.sleep(600); // drains 10 a second
            assertThat(c.level("client|192.0.2.1", "messages/1", 10, second)).isBetween(0.0, 5.0);
            Thread.sleep(600);
            assertThat(c.level("client|192.0.2.1", "messages/1", 10, second)).isZero();
        } finally {
            if (c instanceof AutoCloseable a) {
                a.close();
            }
        }
    }

    @Test
    void withRedisDownCountingIsSkippedAndLevelsFailOpenOrClosed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // free once closed: nothing listens there
        }
        try (RedisRateCounters open = new RedisRateCounters("redis://127.0.0.1:" + closed, "x:", Duration.ofMillis(300), true);
             RedisRateCounters shut = new RedisRateCounters("redis://127.0.0.1:" + closed, "x:", Duration.ofMillis(300), false)) {
            assertThat(open.add("client|192.0.2.1", "messages/3600", 10, Duration.ofHours(1), 1)).isZero();
            assertThat(open.level("client|192.0.2.1", "messages/3600", 10, Duration.ofHours(1))).isZero();
            assertThat(open.failures()).isEqualTo(2);
            assertThat(shut.add("client|192.0.2.1", "messages/3600", 10, Duration.ofHours(1), 1)).isZero();
            assertThatThrownBy(() -> shut.level("client|192.0.2.1", "messages/3600", 10, Duration.ofHours(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("rate levels unavailable (Redis: ");
        }
    }
}
