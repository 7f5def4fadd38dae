package net.portcullis.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.rate.MemoryRateCounters;
import net.portcullis.policy.rate.RateLimits;

/**
 * Benchmark, not a test: the heap the rate limits take per 100,000 tracked clients, with the
 * default limits (each client: a connection, a message, two recipients, one refused, 5 KB; the
 * sender domains, users and recipients of that traffic too), against the heap of the same
 * addresses kept in a plain list (the baseline, measured in the same run). Run with
 * bench/rate-memory.sh [CLIENTS].
 */
public final class RateMemoryBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<RateLimits.Limit> limits = new ArrayList<>();
        Object[][] defaults = {
                {RateLimits.Subject.CLIENT, RateLimits.Count.CONNECTIONS, 60L, Duration.ofMinutes(1)},
                {RateLimits.Subject.NETWORK, RateLimits.Count.CONNECTIONS, 300L, Duration.ofMinutes(1)},
                {RateLimits.Subject.CLIENT, RateLimits.Count.MESSAGES, 600L, Duration.ofHours(1)},
                {RateLimits.Subject.NETWORK, RateLimits.Count.MESSAGES, 3000L, Duration.ofHours(1)},
                {RateLimits.Subject.CLIENT, RateLimits.Count.RECIPIENTS, 3000L, Duration.ofHours(1)},
                {RateLimits.Subject.CLIENT, RateLimits.Count.REFUSED_RECIPIENTS, 30L, Duration.ofMinutes(10)},
                {RateLimits.Subject.CLIENT, RateLimits.Count.BYTES, 1L << 30, Duration.ofHours(1)},
                {RateLimits.Subject.SENDER_DOMAIN, RateLimits.Count.MESSAGES, 5000L, Duration.ofHours(1)},
                {RateLimits.Subject.AUTH_USER, RateLimits.Count.MESSAGES, 1000L, Duration.ofHours(1)},
                {RateLimits.Subject.RECIPIENT, RateLimits.Count.MESSAGES, 500L, Duration.ofHours(1)}};
        for (Object[] d : defaults) {
            limits.add(new RateLimits.Limit((RateLimits.Subject) d[0], (RateLimits.Count) d[1], (Long) d[2], (Duration) d[3]));
        }
        long base = used();
        List<InetAddress> plain = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            plain.add(address(i));
        }
        long baseline = used() - base;
        MemoryRateCounters counters = new MemoryRateCounters(1_000_000, Duration.ofDays(31)); // room for all: the figure is per client
        RateLimits r = new RateLimits(new RateLimits.Config(24, 64, limits), counters);
        long before = used();
        for (int i = 0; i < n; i++) {
            InetAddress a = plain.get(i);
            String sender = "s" + i + "@d" + (i % 5000) + ".example";
            r.connection(a);
            r.mail(new RateLimits.Who(a, sender, null, null));
            r.recipient(new RateLimits.Who(a, sender, null, "u" + (i % 20_000) + "@example.net"));
            r.recipient(new RateLimits.Who(a, sender, null, "v" + (i % 20_000) + "@example.net"));
            r.refused(new RateLimits.Who(a, sender, null, "x@example.net"));
            r.bytes(new RateLimits.Who(a, sender, null, null), 5120);
        }
        long rates = used() - before;
        System.out.printf("%,d clients: %,d subjects, %.1f MB for the rate limits (%.0f bytes a client); "
                        + "the addresses alone in a list: %.1f MB; ratio %.1f%n", n, counters.size(), rates / 1e6, (double) rates / n,
                baseline / 1e6, (double) rates / baseline);
        if (plain.size() + counters.size() < 0) {
            System.out.println(); // keeps both alive to here
        }
    }

    private static InetAddress address(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private static long used() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
