package net.portcullis.policy.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Leaky buckets that drain over their window, and the subjects a limit counts by. */
class RateLimitsTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final MemoryRateCounters counters = new MemoryRateCounters(1000, Duration.ofDays(1), now::get);

    @Test
    void aBucketFillsWithEventsAndDrainsAtMaxPerWindow() {
        Duration hour = Duration.ofHours(1);
        for (int i = 0; i < 10; i++) {
            counters.add("client|k", "messages/3600", 10, hour, 1);
        }
        assertThat(counters.level("client|k", "messages/3600", 10, hour)).isEqualTo(10.0);
        now.addAndGet(Duration.ofMinutes(30).toMillis()); // half a window drains half the maximum
        assertThat(counters.level("client|k", "messages/3600", 10, hour)).isCloseTo(5.0, within(1e-9));
        assertThat(counters.add("client|k", "messages/3600", 10, hour, 1)).isCloseTo(6.0, within(1e-9));
        now.addAndGet(Duration.ofHours(2).toMillis());
        assertThat(counters.level("client|k", "messages/3600", 10, hour)).isZero();
        assertThat(counters.level("client|k", "bytes/3600", 10, hour)).isZero();
        assertThat(counters.level("client|never-seen", "messages/3600", 10, hour)).isZero();
    }

    @Test
    void eachLimitCountsItsOwnEventsForItsOwnSubject() throws Exception {
        RateLimits r = new RateLimits(new RateLimits.Config(24, 64, List.of(
                new RateLimits.Limit(RateLimits.Subject.CLIENT, RateLimits.Count.MESSAGES, 5, Duration.ofHours(1)),
                new RateLimits.Limit(RateLimits.Subject.NETWORK, RateLimits.Count.MESSAGES, 5, Duration.ofHours(1)),
                new RateLimits.Limit(RateLimits.Subject.SENDER_DOMAIN, RateLimits.Count.MESSAGES, 5, Duration.ofHours(1)),
                new RateLimits.Limit(RateLimits.Subject.RECIPIENT, RateLimits.Count.MESSAGES, 5, Duration.ofHours(1)),
                new RateLimits.Limit(RateLimits.Subject.CLIENT, RateLimits.Count.RECIPIENTS, 5, Duration.ofHours(1)))), counters);
        InetAddress a = InetAddress.getByName("203.0.113.5");
        InetAddress b = InetAddress.getByName("203.0.113.77");
        r.mail(new RateLimits.Who(a, "x@Shop.Example", null, null));
        r.mail(new RateLimits.Who(b, "y@shop.example", null, null));
        r.recipient(new RateLimits.Who(a, "x@shop.example", null, "<U@example.net>"));
        r.recipient(new RateLimits.Who(a, "x@shop.example", null, "u@example.net"));
        var limits = r.limits();
        // attempts count for the client and its network at once
        assertThat(r.level(limits.get(0), new RateLimits.Who(a, null, null, null))).isEqualTo(1.0);
        assertThat(r.level(limits.get(1), new RateLimits.Who(b, null, null, null))).as("same /24").isEqualTo(2.0);
        assertThat(r.level(limits.get(4), new RateLimits.Who(a, null, null, null))).isEqualTo(2.0);
        // the shared subjects count only what was delivered: a flood forging shop.example uses up nothing
        assertThat(r.level(limits.get(2), new RateLimits.Who(a, "z@shop.example", null, null))).isZero();
        assertThat(r.level(limits.get(3), new RateLimits.Who(a, null, null, "u@example.net"))).isZero();
        r.delivered(new RateLimits.Who(a, "x@Shop.Example", null, null), List.of("<U@example.net>", "v@example.net"), 100);
        r.delivered(new RateLimits.Who(b, "y@shop.example", null, null), List.of("u@example.net"), 100);
        assertThat(r.level(limits.get(2), new RateLimits.Who(a, "z@shop.example", null, null))).isEqualTo(2.0);
        assertThat(r.level(limits.get(3), new RateLimits.Who(a, null, null, "u@EXAMPLE.net"))).isEqualTo(2.0);
        // a delivered-count limit is over when one more would pass it; an attempt count, past it
        assertThat(limits.get(3).over(4.0)).isFalse();
        assertThat(limits.get(3).over(5.0)).isTrue();
        assertThat(limits.get(0).over(5.0)).isFalse();
        // the null sender has no domain: not counted, and read as "no subject"
        assertThat(r.level(limits.get(2), new RateLimits.Who(a, "", null, null))).isEqualTo(-1);
    }

    @Test
    void networksAreTheConfiguredPrefixOfV4AndV6() throws Exception {
        RateLimits r = new RateLimits(new RateLimits.Config(22, 48, List.of()), counters);
        assertThat(r.network(InetAddress.getByName("198.51.103.200"))).isEqualTo("198.51.100.0/22");
        assertThat(r.network(InetAddress.getByName("2001:db8:abcd:12::1"))).isEqualTo("2001:db8:abcd:0:0:0:0:0/48");
        RateLimits wide = new RateLimits(new RateLimits.Config(32, 128, List.of()), counters);
        assertThat(wide.network(InetAddress.getByName("198.51.103.200"))).isEqualTo("198.51.103.200/32");
    }
}
