package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V9 rebuilds SQLite's list table to admit link entries: every entry made before it is still there, and link entries work after. */
class LinkMigrationTest {
    @TempDir
    Path dir;

    @Test
    void theSqliteTableRebuildKeepsEveryEntry() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("old.db");
        Flyway.configure().dataSource(url, "", "").locations("classpath:db/migration/sqlite").target("8").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO list_entry (color, kind, value, reason, source, created_at, expires_at) VALUES "
                    + "('black', 'ip', '203.0.113.9', 'spam reports from 3 users', 'reports', 1764000000000, NULL), "
                    + "('white', 'domain', 'partner.example', 'partner', 'admin', 1764000000001, 1900000000000), "
                    + "('black', 'address', 'bad@spam.example', 'phishing', 'admin', 1764000000002, NULL)");
        }
        Database db = Database.open(url, "", "", null); // migrates to the current version
        ListStore lists = new ListStore(db);
        assertThat(lists.all()).extracting(ListEntry::value).containsExactlyInAnyOrder("203.0.113.9", "partner.example", "bad@spam.example");
        assertThat(lists.all()).filteredOn(e -> e.value().equals("partner.example")).singleElement()
                .satisfies(e -> assertThat(e.expires()).isEqualTo(Instant.ofEpochMilli(1900000000000L)));
        lists.put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.LINK, "pills.example", "advertised", "reports", Instant.now(), null));
        assertThat(Lists.of(lists.all(), java.time.Clock.systemUTC()).black().link("www.pills.example")).isPresent();
    }
}
