package net.portcullis.gateway.proxy;

import java.util.UUID;

/** Every case of {@link RateLimitTest} again, with the rate levels in bin/test's Redis (a key prefix of its own). */
class RateLimitRedisTest extends RateLimitTest {
    @Override
    String store() {
        return "redis: {url: \"" + RedisRateTest.REDIS + "\", prefix: \"test:" + UUID.randomUUID() + ":\"}\n";
    }
}
