package net.portcullis.policy.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The greylist's timings on a clock of our own — delay, retry window, lifetime of a passed triplet —
 * with its triplets in memory and in a real Redis (bin/test's throwaway one, a key prefix of its
 * own); and a store that cannot be reached, open and closed.
 */
class GreylistUnitTest {
    final net.portcullis.policy.testing.TestClock clock = new net.portcullis.policy.testing.TestClock(Instant.parse("2026-11-28T08:00:00Z"));

    static final Greylist.Config CONFIG = new Greylist.Config(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(36), 5, 24,
            64, 10_000);

    /** The same cases on both stores: this process's memory, and bin/test's Redis under a key prefix of their own. */
    static GreylistStore store(String kind) {
        return kind.equals("memory") ? new MemoryGreylistStore(10_000, Duration.ofDays(36))
                : new RedisGreylistStore(net.portcullis.policy.store.Databases.REDIS_URL, "test:" + java.util.UUID.randomUUID() + ":",
                        Duration.ofSeconds(2));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"memory", "redis"})
    void aRetryPassesOnlyBetweenTheDelayAndTheEndOfTheWindowAndThenForTheLifetime(String kind) throws Exception {
        GreylistStore store = store(kind);
        Greylist g = new Greylist(CONFIG, clock, store, true);
        InetAddress a = InetAddress.getByName("198.51.100.7");
        InetAddress pool = InetAddress.getByName("198.51.100.200");
        assertThat(g.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.NEW);
        assertThat(g.check(a, "N@Shop.Example", "<U@example.net>")).as("the same triplet, looked at twice").isEqualTo(Greylist.Result.NEW);
        clock.advance(Duration.ofMinutes(2));
        assertThat(g.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.EARLY);
        clock.advance(Duration.ofMinutes(4));
        assertThat(g.check(pool, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.PASS);
        clock.advance(Duration.ofDays(30));
        assertThat(g.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.PASS);
        // a retry after the window starts over; so does a pass older than the lifetime
        assertThat(g.check(a, "n@shop.example", "v@example.net")).isEqualTo(Greylist.Result.NEW);
        clock.advance(Duration.ofHours(5));
        assertThat(g.check(a, "n@shop.example", "v@example.net")).isEqualTo(Greylist.Result.NEW);
        clock.advance(Duration.ofDays(37));
        assertThat(g.check(a, "n@shop.example", "w@example.net")).isEqualTo(Greylist.Result.NEW);
        // another network is another triplet
        assertThat(g.check(InetAddress.getByName("203.0.113.9"), "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.NEW);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"memory", "redis"})
    void aReadOnlyGreylistAnswersAsTheLiveOneWithoutRecordingAnything(String kind) throws Exception {
        GreylistStore store = store(kind);
        Greylist live = new Greylist(CONFIG, clock, store, true);
        Greylist look = live.readOnly();
        InetAddress a = InetAddress.getByName("198.51.100.7");
        assertThat(look.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.NEW);
        clock.advance(Duration.ofMinutes(10));
        assertThat(look.check(a, "n@shop.example", "u@example.net")).as("looking started no clock").isEqualTo(Greylist.Result.NEW);
        assertThat(live.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.NEW);
        clock.advance(Duration.ofMinutes(2));
        assertThat(look.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.EARLY);
        clock.advance(Duration.ofMinutes(4));
        assertThat(look.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.PASS);
        for (int i = 0; i < 10; i++) {
            look.delivered(a, "n@shop.example");
        }
        assertThat(live.check(a, "n@shop.example", "x@example.net")).as("looking counted no delivery toward auto_allow")
                .isEqualTo(Greylist.Result.NEW);
    }

    @Test
    void aStoreThatCannotBeReachedPassesOrFailsAsConfigured() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        InetAddress a = InetAddress.getByName("198.51.100.7");
        try (RedisGreylistStore down = new RedisGreylistStore("redis://127.0.0.1:" + closed, "x:", Duration.ofMillis(300))) {
            Greylist open = new Greylist(CONFIG, clock, down, true);
            assertThat(open.check(a, "n@shop.example", "u@example.net")).isEqualTo(Greylist.Result.PASS);
            open.delivered(a, "n@shop.example");
            assertThat(open.failures()).isEqualTo(2);
            Greylist shut = new Greylist(CONFIG, clock, down, false);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> shut.check(a, "n@shop.example", "u@example.net"))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("greylist unavailable (");
        }
    }
}
