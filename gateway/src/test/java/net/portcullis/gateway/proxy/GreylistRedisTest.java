package net.portcullis.gateway.proxy;

import java.util.UUID;

/** Every case of {@link GreylistTest} again, with the greylist triplets in bin/test's Redis (a key prefix of its own). */
class GreylistRedisTest extends GreylistTest {
    @Override
    String store() {
        return "redis: {url: \"" + RedisRateTest.REDIS + "\", prefix: \"test:" + UUID.randomUUID() + ":\"}\n";
    }
}
