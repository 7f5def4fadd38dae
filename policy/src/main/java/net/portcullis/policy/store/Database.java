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
public final class Database {
    private final String url;
    private final String user;
    private final String password;
    private final String schema;

    private Database(String url, String user, String password, String schema) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
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
        Database db = new Database(url, user, password, url.startsWith("jdbc:postgresql:") ? schema : null);
        if (db.schema != null) {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS \"" + db.schema.replace("\"", "") + "\"");
            }
        }
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

    public boolean postgres() {
        return schema != null;
    }

    /** A new connection; callers close it. SQLite waits up to 10 s for another process's write lock. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, password);
        try (Statement s = c.createStatement()) {
            if (schema != null) {
                s.execute("SET search_path TO \"" + schema.replace("\"", "") + "\"");
            } else {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA journal_mode = WAL");
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return schema == null ? url : url + " (schema " + schema + ")";
    }
}
