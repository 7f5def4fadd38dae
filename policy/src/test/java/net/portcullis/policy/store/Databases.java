package net.portcullis.policy.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * The stores the tests run on: a fresh SQLite file, and a fresh schema in a PostgreSQL —
 * the throwaway cluster bin/test starts ({@code PORTCULLIS_TEST_PG_URL}), or, when a test runs
 * alone from an IDE or plain mvn, one on 127.0.0.1:5432 (database test, trust auth).
 */
public final class Databases {
    private Databases() {
    }

    public static final String PG_URL = System.getenv().getOrDefault("PORTCULLIS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    /** The Redis of the tests: bin/test's throwaway one, or one on 127.0.0.1:6379 when a test runs alone. */
    public static final String REDIS_URL = System.getenv().getOrDefault("PORTCULLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    public static Database sqlite(Path dir) throws Exception {
        return Database.open("jdbc:sqlite:" + dir.resolve("portcullis.db"), "", "", null);
    }

    /** A schema of its own, dropped by {@link #dropPostgres}. */
    public static Database postgres(String schema) throws Exception {
        return Database.open(PG_URL, "postgres", "", schema);
    }

    public static String newSchema() {
        return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static void dropPostgres(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }
}
