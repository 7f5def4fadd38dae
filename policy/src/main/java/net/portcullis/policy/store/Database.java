package net.portcullis.policy.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * Where the stores keep their records: an embedded SQLite file (the default: nothing to install,
 * and the gateway and the CLI may open it at once) or a PostgreSQL schema shared by a fleet.
 * Flyway brings either to the current schema on open.
 */
public final class Database implements AutoCloseable {
    private final String url;
    private final String schema;
    private final com.zaxxer.hikari.HikariDataSource pool;

    private Database(String url, String user, String password, String schema) {
        this.url = url;
        this.schema = schema;
        // Connections are pooled (HikariCP): opening one per look-up cost 2 ms on PostgreSQL.
        com.zaxxer.hikari.HikariConfig hc = new com.zaxxer.hikari.HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setPoolName("portcullis-store");
        hc.setMinimumIdle(0);
        hc.setMaximumPoolSize(schema != null ? 8 : 4);
        hc.setConnectionTimeout(10_000);
        if (schema != null) {
            hc.addDataSourceProperty("currentSchema", schema);
        } else {
            hc.setConnectionInitSql("PRAGMA busy_timeout = 10000"); // wait for another process's write lock
        }
        this.pool = new com.zaxxer.hikari.HikariDataSource(hc);
    }

    public static Database open(String url, String user, String password, String schema) throws SQLException {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            Path parent = Path.of(file).toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create " + parent + ": " + e.getMessage(), e);
            }
        } else if (!url.startsWith("jdbc:postgresql:")) {
            throw new SQLException("unsupported store url " + url + ": use jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB");
        }
        if (schema != null && url.startsWith("jdbc:postgresql:")) {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema.replace("\"", "") + "\"");
            }
        } else if (url.startsWith("jdbc:sqlite:")) {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL"); // readers do not wait for writers; kept in the file
            }
        }
        Database db = new Database(url, user, password, url.startsWith("jdbc:postgresql:") ? schema : null);
        var fly = Flyway.configure()
                .dataSource(url, user, password)
                .locations(db.schema != null ? "classpath:db/migration/postgresql" : "classpath:db/migration/sqlite")
                .loggers("slf4j");
        if (db.schema != null) {
            fly = fly.schemas(db.schema);
        }
        fly.load().migrate();
        return db;
    }

    /** A pooled connection; callers close it (which returns it to the pool). */
    public Connection connect() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** PostgreSQL (a fleet's shared store) rather than the embedded SQLite: for the few SQL functions they spell differently. */
    public boolean postgres() {
        return schema != null;
    }

    @Override
    public String toString() {
        return schema == null ? url : url + " (schema " + schema + ")";
    }
}
