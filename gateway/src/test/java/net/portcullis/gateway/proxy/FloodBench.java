package net.portcullis.gateway.proxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.subethamail.wiser.Wiser;

/**
 * Benchmark, not a test: a flood of 50 clients (127.0.1.1–50, each at full speed, one message a
 * session) against the gateway with the shipped rules and default rate limits, while one normal
 * client (127.0.2.1) sends a message a second. Prints what the flood got (accepted, 421, 450) and
 * whether the normal client got through, with its end-of-data latency; the baseline is the same
 * normal client alone in the first seconds of the run. Loopback only, bounded in time.
 * Run with bench/flood.sh [SECONDS].
 */
public final class FloodBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path var = Files.createTempDirectory("flood-bench");
        Wiser w = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(w), var, "limits: {connections: 2000, connections_per_client: 200}\n")) {
            List<Long> alone = normal(gw, 5);
            Map<String, AtomicLong> flood = new ConcurrentHashMap<>();
            long end = System.currentTimeMillis() + seconds * 1000L;
            ExecutorService pool = Executors.newFixedThreadPool(50);
            for (int i = 1; i <= 50; i++) {
                String from = "127.0.1." + i;
                pool.submit(() -> {
                    while (System.currentTimeMillis() < end) {
                        flood.computeIfAbsent(oneMessage(gw, from, new long[1]), k -> new AtomicLong()).incrementAndGet();
                    }
                });
            }
            List<Long> during = normal(gw, seconds - 2);
            pool.shutdown();
            pool.awaitTermination(seconds + 30L, TimeUnit.SECONDS);
            long total = flood.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("flood: %,d sessions from 50 addresses in %d s: %s%n", total, seconds, new java.util.TreeMap<>(flood));
            System.out.printf("normal client alone: %d of %d accepted, median %d ms%n", alone.stream().filter(t -> t >= 0).count(),
                    alone.size(), median(alone));
            System.out.printf("normal client during the flood: %d of %d accepted, median %d ms, max %d ms (ratio of medians %.1f)%n",
                    during.stream().filter(t -> t >= 0).count(), during.size(), median(during),
                    during.stream().mapToLong(Long::longValue).max().orElse(-1), (double) median(during) / Math.max(1, median(alone)));
        } finally {
            w.stop();
        }
    }

    /** One message a second from the normal client; each entry its end-of-data latency in ms, or -1 when refused. */
    private static List<Long> normal(GatewayHarness gw, int n) throws InterruptedException {
        List<Long> out = new ArrayList<>();
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            long[] took = new long[1];
            String outcome = oneMessage(gw, "127.0.2.1", took);
            outcomes.merge(outcome, 1, Integer::sum);
            out.add(outcome.equals("250") ? took[0] : -1);
            Thread.sleep(1000);
        }
        System.out.println("normal client's replies: " + outcomes);
        return out;
    }

    /** The first non-2xx/3xx reply code of a one-message session ("250" when delivered), or "error". */
    static String oneMessage(GatewayHarness gw, String from, long[] took) {
        long t0 = System.nanoTime();
        try (SmtpTestClient c = new SmtpTestClient(from, gw.port())) {
            for (String cmd : new String[] {null, "EHLO client.other.org", "MAIL FROM:<a@other.org>", "RCPT TO:<u@example.net>", "DATA"}) {
                if (cmd != null) {
                    c.write(cmd + "\r\n");
                }
                String r = c.reply();
                String last = r.substring(r.lastIndexOf('\n') + 1);
                if (!last.startsWith("2") && !last.startsWith("3")) {
                    return last.substring(0, 3);
                }
            }
            c.write("Subject: flood\r\n\r\nhello\r\n.\r\n");
            String r = c.reply();
            took[0] = (System.nanoTime() - t0) / 1_000_000;
            c.write("QUIT\r\n");
            return r.substring(0, 3);
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    private static long median(List<Long> l) {
        List<Long> ok = new ArrayList<>(l.stream().filter(t -> t >= 0).toList());
        if (ok.isEmpty()) {
            return -1;
        }
        Collections.sort(ok);
        return ok.get(ok.size() / 2);
    }
}
