package net.portcullis.policy;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.DecisionStore;

/**
 * Benchmark, not a test: the review page's queries on a store of 1,000,000 decisions (30 days,
 * decision lines of the real size), each against the same query on 10,000 — the ratio shows
 * whether a query is bounded by its index (≈1) or grows with the store. Embedded SQLite, as a
 * single gateway runs it. Run with bench/review-page.sh [DECISIONS].
 */
public final class DecisionStoreBench {
    private interface Query {
        Object run(DecisionStore s) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int big = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        DecisionStore small = fill(10_000);
        DecisionStore large = fill(big);
        Instant now = Instant.now();
        List<String> names = List.of("first page, no filter", "page 150 (keyset)", "by sender", "by sender domain (@d7.example)",
                "by recipient", "by verdict and rule", "by ref", "overview: last day (4 queries)", "overview: last week (4 queries)");
        List<Query> queries = List.of(
                s -> s.page(DecisionStore.Filter.all(51), null),
                s -> {
                    DecisionStore.Stored before = null;
                    for (int i = 0; i < 150; i++) {
                        List<DecisionStore.Stored> p = s.page(DecisionStore.Filter.all(51), before);
                        before = p.get(p.size() - 1);
                    }
                    return before;
                },
                s -> s.page(new DecisionStore.Filter(null, null, null, "s17@d7.example", null, null, null, 51), null),
                s -> s.page(new DecisionStore.Filter(null, null, null, "@d7.example", null, null, null, 51), null),
                s -> s.page(new DecisionStore.Filter(null, null, null, null, "u423@example.net", null, null, 51), null),
                s -> s.page(new DecisionStore.Filter(null, null, null, null, null, "rejected", "rule-3", 51), null),
                s -> s.find("B0004242"),
                s -> overview(s, now.minus(Duration.ofDays(1))),
                s -> overview(s, now.minus(Duration.ofDays(7))));
        System.out.printf("%-34s %12s %12s %8s%n", "query (median of 5, ms)", "10k", String.format("%,d", big), "ratio");
        for (int i = 0; i < queries.size(); i++) {
            double a = median(small, queries.get(i));
            double b = median(large, queries.get(i));
            System.out.printf("%-34s %12.2f %12.2f %8.1f%n", names.get(i), a, b, b / a);
        }
        System.out.println("(page 150 is 150 pages walked one after the other; its figure is for all 150)");
    }

    private static Object overview(DecisionStore s, Instant since) throws Exception {
        s.refusalsByRuleAndHour(since);
        s.verdictsByHour(since);
        s.topRefused(DecisionStore.Top.CLIENT, since, 10);
        return s.topRefused(DecisionStore.Top.SENDER_DOMAIN, since, 10);
    }

    private static double median(DecisionStore s, Query q) throws Exception {
        q.run(s); // warm the page cache and the JIT
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            q.run(s);
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[2];
    }

    /** n decisions over the last 30 days: 1,000 clients, 50,000 senders in 100 domains, 10,000 recipients, 20 rules. */
    private static DecisionStore fill(int n) throws Exception {
        Database db = Database.open("jdbc:sqlite:" + Files.createTempDirectory("decision-bench").resolve("d.db"), "", "", null);
        DecisionStore s = new DecisionStore(db);
        Random rnd = new Random(42);
        Instant end = Instant.now();
        long span = Duration.ofDays(30).toMillis();
        long t0 = System.nanoTime();
        List<DecisionStore.Row> batch = new ArrayList<>();
        String pad = "x".repeat(700); // a real decision line is about 1 KB of JSON
        for (int i = 0; i < n; i++) {
            Instant at = end.minusMillis(span - (long) i * span / n);
            String client = "198.51." + (i % 1000 / 250) + "." + (i % 250);
            int sn = rnd.nextInt(50_000);
            String sender = "s" + sn + "@d" + (sn % 100) + ".example";
            boolean refused = rnd.nextInt(3) == 0;
            String rule = refused ? "rule-" + rnd.nextInt(20) : "downstream";
            String ref = String.format("B%07d", i);
            String rcpt = "u" + rnd.nextInt(10_000) + "@example.net";
            batch.add(new DecisionStore.Row(ref, at, "transaction", client, sender, refused ? "rejected" : "accepted", rule, List.of(rcpt),
                    "{\"ref\":\"" + ref + "\",\"time\":\"" + at + "\",\"event\":\"transaction\",\"client\":\"" + client + "\",\"sender\":\""
                            + sender + "\",\"verdict\":\"" + (refused ? "rejected" : "accepted") + "\",\"pad\":\"" + pad + "\"}"));
            if (batch.size() == 10_000) {
                s.append(batch);
                batch.clear();
            }
        }
        s.append(batch);
        System.err.printf("%,d decisions stored in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        return s;
    }
}
