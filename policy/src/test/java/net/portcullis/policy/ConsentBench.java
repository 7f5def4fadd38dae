package net.portcullis.policy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.Databases;

/**
 * Benchmark, not a test: consent lookups with 1,000,000 records, on the embedded store and on
 * PostgreSQL, cold (every lookup reaches the database) and warm (answered from the cache).
 * Run with bench/consent.sh [RECORDS].
 */
public final class ConsentBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        run("sqlite", Database.open("jdbc:sqlite:" + Files.createTempDirectory("consent-bench").resolve("c.db"), "", "", null), n);
        String schema = Databases.newSchema();
        try {
            run("postgresql", Databases.postgres(schema), n);
        } finally {
            Databases.dropPostgres(schema);
        }
    }

    private static void run(String name, Database db, int n) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO consent_event (recipient, sender, action, method, evidence, "
                    + "actor, at, valid_until) VALUES (?, ?, 'grant', 'import', 'bench', 'bench', ?, NULL)")) {
                for (int i = 0; i < n; i++) {
                    s.setString(1, "u" + i + "@example.net");
                    s.setString(2, "sender" + (i % 1000) + ".example");
                    s.setLong(3, Instant.now().toEpochMilli());
                    s.addBatch();
                    if (i % 10_000 == 9_999) {
                        s.executeBatch();
                    }
                }
                s.executeBatch();
            }
            c.commit();
        }
        System.out.printf("%s: %d consent records loaded in %.1f s%n", name, n, (System.nanoTime() - t0) / 1e9);
        ConsentStore store = new ConsentStore(db);
        Random rnd = new Random(1);
        for (int round = 1; round <= 3; round++) {
            ConsentBook cold = new ConsentBook(store, Duration.ofMinutes(5), Clock.systemUTC());
            int lookups = 2000;
            int granted = 0;
            long c0 = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                int u = rnd.nextInt(n);
                if (cold.lookup("u" + u + "@example.net", "sender" + (u % 1000) + ".example", "").granted()) {
                    granted++;
                }
            }
            double coldUs = (System.nanoTime() - c0) / 1000.0 / lookups;
            ConsentBook warm = new ConsentBook(store, Duration.ofMinutes(5), Clock.systemUTC());
            for (int i = 0; i < 1000; i++) {
                warm.lookup("u" + i + "@example.net", "sender" + (i % 1000) + ".example", "");
            }
            long w0 = System.nanoTime();
            for (int i = 0; i < 1_000_000; i++) {
                int u = i % 1000;
                warm.lookup("u" + u + "@example.net", "sender" + (u % 1000) + ".example", "");
            }
            double warmUs = (System.nanoTime() - w0) / 1000.0 / 1_000_000;
            System.out.printf("%s round %d: cold %.0f us/lookup (%.0f/s, %d/%d granted), warm %.2f us/lookup (%.0f/s)%n",
                    name, round, coldUs, 1e6 / coldUs, granted, lookups, warmUs, 1e6 / warmUs);
        }
    }
}
