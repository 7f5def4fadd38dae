package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's shared state in a real Redis (bin/test's throwaway one): two gateways count rate
 * limits as one, share the greylist and the greeting pause's memory of good clients, and a Redis that is down fails open (mail flows) or
 * closed (451), as redis.fail says.
 */
class RedisRateTest {
    static final String REDIS = System.getenv().getOrDefault("PORTCULLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    @TempDir
    Path var;

    @Test
    void twoGatewaysSharingARedisCountTheClientTogether() throws Exception {
        String yaml = "redis: {url: \"" + REDIS + "\", prefix: \"test:" + UUID.randomUUID() + ":\"}\n"
                + "ratelimit: {limits: {client.messages: 3/1h}}\n";
        try (GatewayHarness one = GatewayHarness.withWiser(var.resolve("one"), yaml);
             GatewayHarness two = GatewayHarness.withWiser(var.resolve("two"), yaml)) {
            assertThat(one.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(one.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(two.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(two.message("127.0.0.1", "a@other.org", "u@example.net", "hi"))
                    .startsWith("450 4.7.1 Too many messages from 127.0.0.1 (4 lately)");
            assertThat(one.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("450 4.7.1");
        }
    }

    @Test
    void aRedisThatIsDownFailsOpenByDefaultAndClosedWhenToldTo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String down = "redis: {url: \"redis://127.0.0.1:" + closed + "\", timeout: 200ms";
        try (GatewayHarness open = GatewayHarness.withWiser(var.resolve("open"), down + "}\n")) {
            assertThat(open.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(open.gateway.metrics().scrape()).containsPattern("portcullis_redis_failures_total [1-9]");
        }
        try (GatewayHarness shut = GatewayHarness.withWiser(var.resolve("closed"), down + ", fail: closed}\n")) {
            assertThat(shut.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("451 4.3.0");
            // trusted clients are exempt before any rate level is read: their mail flows
            assertThat(shut.message("127.0.0.2", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
        }
    }

    @Test
    void aRetryToAnotherGatewayOfTheFleetPassesTheGreylist() throws Exception {
        java.nio.file.Files.createDirectories(var.resolve("local.d"));
        java.nio.file.Files.writeString(var.resolve("local.d/45-greylist.rules"),
                java.nio.file.Files.readString(Path.of("../conf/rules/45-greylist.rules")).replace("  monitor\n", ""));
        String yaml = "redis: {url: \"" + REDIS + "\", prefix: \"test:" + UUID.randomUUID() + ":\"}\ngreylist: {delay: 1s}\n"
                + "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: ../conf/lists}\n";
        try (GatewayHarness one = GatewayHarness.withWiser(var.resolve("one"), yaml);
             GatewayHarness two = GatewayHarness.withWiser(var.resolve("two"), yaml)) {
            assertThat(one.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("451 4.7.1 Greylisted");
            Thread.sleep(1200); // the greylist delay (1s here) is real time the client must let pass; transcript 12 does it on a clock
            assertThat(two.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
        }
    }

    @Test
    void aClientThatWaitedForTheBannerAtOneGatewayIsNotPausedAtTheNext() throws Exception {
        String yaml = "redis: {url: \"" + REDIS + "\", prefix: \"test:" + UUID.randomUUID() + ":\"}\ngreeting: {pause: 1s}\n";
        try (GatewayHarness one = GatewayHarness.withWiser(var.resolve("one"), yaml);
             GatewayHarness two = GatewayHarness.withWiser(var.resolve("two"), yaml)) {
            assertThat(one.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(one.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"client.greet_wait\":\"waited\""));
            assertThat(two.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(two.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"client.greet_wait\":\"remembered\""));
        }
    }
}
