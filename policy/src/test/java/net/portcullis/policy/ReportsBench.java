package net.portcullis.policy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.portcullis.policy.peers.PeerFeed;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportParser;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Networks;

/**
 * Benchmark, not a test: the report loop's costs, each as a ratio against a baseline of the same
 * run. Report intake: parsing a reported message alone (baseline), then taking it in — parsed,
 * written, the evidence counted — on SQLite, and on PostgreSQL when PORTCULLIS_TEST_PG_URL names
 * one. Feed refresh: a peer's unchanged feed (304, baseline), then a changed one of ENTRIES
 * entries fetched, its signature checked and every entry read. Run with bench/reports.sh.
 */
public final class ReportsBench {
    static final int ENTRIES = 10_000;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("reports-bench");
        ReportParser parser = new ReportParser(new Networks(List.of()), Set.of("mx.example.net"));
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            messages[i] = ("Received: from spam.example ([203.0.113." + (i % 200) + "]) by mx.example.net (Portcullis) with ESMTP id R" + i
                    + ";\r\n Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam" + (i % 50) + ".example\r\nMessage-ID: <" + i
                    + "@spam.example>\r\nSubject: buy\r\n\r\nBuy now at https://pills" + (i % 30) + ".example/buy\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
        System.out.printf("report intake: %d reported messages, 200 sources, one user each%n", n);
        for (int w = 0; w < 3; w++) { // warm: the JIT, Jakarta Mail's and jsoup's first uses
            for (byte[] m : messages) {
                parser.parseMessage("u@example.net", "abuse", m);
            }
        }
        long t0 = System.nanoTime();
        for (byte[] m : messages) {
            parser.parseMessage("u@example.net", "abuse", m);
        }
        double parse = (System.nanoTime() - t0) / 1e3 / n;
        System.out.printf("  %-44s %8.1f us  %8.0f /s  x1.0%n", "parse only (baseline)", parse, 1e6 / parse);
        Database sqlite = Database.open("jdbc:sqlite:" + dir.resolve("bench.db"), null, null, null);
        intake(sqlite, parser, messages, "take in, SQLite", parse);
        String pg = System.getenv("PORTCULLIS_TEST_PG_URL");
        if (pg != null && !pg.isBlank()) {
            String schema = "bench_reports_" + ProcessHandle.current().pid();
            try (Database db = Database.open(pg, "postgres", null, schema)) {
                intake(db, parser, messages, "take in, PostgreSQL", parse);
                try (var c = db.connect(); var s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
        feed();
    }

    static void intake(Database db, ReportParser parser, byte[][] messages, String name, double baseline) throws Exception {
        ReportIntake intake = new ReportIntake(parser, new ReportStore(db), new ListStore(db), () -> Lists.of(List.of(), Clock.systemUTC()),
                1_000_000, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC()).listingLinks(5, Duration.ofDays(14));
        long t0 = System.nanoTime();
        for (int i = 0; i < messages.length; i++) {
            intake.ingestMessage("user" + i + "@example.net", true, messages[i]);
        }
        double us = (System.nanoTime() - t0) / 1e3 / messages.length;
        System.out.printf("  %-44s %8.1f us  %8.0f /s  x%.1f%n", name, us, 1e6 / us, us / baseline);
    }

    static void feed() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        StringBuilder doc = new StringBuilder("{\"entries\": [");
        for (int i = 0; i < ENTRIES; i++) {
            doc.append(i == 0 ? "" : ",").append("{\"kind\": \"ip\", \"value\": \"10.").append(i / 65536).append('.').append((i / 256) % 256)
                    .append('.').append(i % 256).append("\", \"reason\": \"spam reports from 3 users\", \"source\": \"reports\", ")
                    .append("\"since\": \"2026-12-01T00:00:00Z\", \"expires\": \"2099-01-01T00:00:00Z\", \"reports\": 3}");
        }
        byte[] body = doc.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(keys.getPrivate());
        s.update(body);
        String sig = "ed25519=" + Base64.getEncoder().encodeToString(s.sign());
        int[] version = {0};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/feed", ex -> {
            String tag = "\"v" + version[0] + "\"";
            ex.getResponseHeaders().set("ETag", tag);
            if (tag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
            } else {
                ex.getResponseHeaders().set("Portcullis-Signature", sig);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        try {
            PeerFeed f = new PeerFeed(new PeerFeed.Peer("bench", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/feed"),
                    Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), 1, false), null, HttpClient.newHttpClient(), Clock.systemUTC());
            f.refresh(Duration.ofSeconds(10));
            int rounds = 30;
            double[] same = new double[rounds];
            double[] changed = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                if (f.refresh(Duration.ofSeconds(10)) != PeerFeed.Result.NOT_MODIFIED) {
                    throw new IllegalStateException("expected 304");
                }
                same[i] = (System.nanoTime() - t0) / 1e6;
                version[0]++;
                t0 = System.nanoTime();
                if (f.refresh(Duration.ofSeconds(10)) != PeerFeed.Result.UPDATED) {
                    throw new IllegalStateException("expected a new feed: " + f.lastError());
                }
                changed[i] = (System.nanoTime() - t0) / 1e6;
            }
            double base = median(same);
            System.out.printf("feed refresh (%d entries, %d KB, %d rounds):%n", ENTRIES, body.length / 1024, rounds);
            System.out.printf("  %-44s %8.2f ms  x1.0%n", "unchanged: 304 (baseline)", base);
            System.out.printf("  %-44s %8.2f ms  x%.1f%n", "changed: fetched, signature checked, read", median(changed), median(changed) / base);
        } finally {
            server.stop(0);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
