package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The list store on both databases: SQLite (embedded default) and PostgreSQL (fleet). */
class ListStoreTest {
    @TempDir
    Path dir;
    String schema;

    ListStore store(String kind) throws Exception {
        if (kind.equals("sqlite")) {
            return new ListStore(Databases.sqlite(dir));
        }
        schema = Databases.newSchema();
        return new ListStore(Databases.postgres(schema));
    }

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    static ListEntry entry(ListEntry.Color c, ListEntry.Kind k, String v, Instant expires) {
        return new ListEntry(0, c, k, ListEntry.normalise(k, v), "test " + v, "admin", Instant.now(), expires);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void entriesAreStoredReplacedRemovedAndLookedUpFromTheSnapshot(String kind) throws Exception {
        ListStore s = store(kind);
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "192.0.2.0/24", null));
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "2001:db8::/32", null));
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "Spam.Example", null));
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.ADDRESS, "bad@ok.example", null));
        s.put(entry(ListEntry.Color.WHITE, ListEntry.Kind.IP, "192.0.2.7", null));
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "198.51.100.1", Instant.now().minusSeconds(5)));
        s.put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "spam.example", "replaced", "admin", Instant.now(), null));
        assertThat(s.all()).hasSize(6);
        Lists.Snapshots snap = Lists.of(s.all(), Clock.systemUTC());
        assertThat(snap.black().ip(InetAddress.getByName("192.0.2.99"))).isPresent();
        assertThat(snap.black().ip(InetAddress.getByName("2001:db8:1::1"))).isPresent();
        assertThat(snap.black().ip(InetAddress.getByName("198.51.100.1"))).as("expired").isEmpty();
        assertThat(snap.white().ip(InetAddress.getByName("192.0.2.7"))).isPresent();
        assertThat(snap.black().domain("mail.spam.example").map(ListEntry::reason)).contains("replaced");
        assertThat(snap.black().address("BAD@ok.example")).isPresent();
        assertThat(snap.black().address("x@sub.spam.example")).isPresent();
        assertThat(snap.black().address("good@ok.example")).isEmpty();
        assertThat(s.remove(ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "spam.example")).isTrue();
        assertThat(s.remove(ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "spam.example")).isFalse();
        assertThat(s.purgeExpired(Instant.now())).isEqualTo(1);
        assertThat(s.all()).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anImportIsAllOrNothing(String kind) throws Exception {
        ListStore s = store(kind);
        s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "192.0.2.1", null));
        List<ListEntry> batch = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            batch.add(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "203.0.113." + i, null));
        }
        batch.add(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, "203.0.113.200", null, "admin", Instant.now(), null));
        assertThatThrownBy(() -> s.importAll(batch)).isInstanceOf(SQLException.class);
        assertThat(s.all()).hasSize(1);
        batch.remove(batch.size() - 1);
        s.importAll(batch);
        assertThat(s.all()).hasSize(91);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theGatewaysCopyFollowsTheStoreOnRefresh(String kind) throws Exception {
        ListStore s = store(kind);
        try (Lists lists = new Lists(s, Clock.systemUTC())) {
            lists.refreshEvery(Duration.ofMillis(100));
            assertThat(lists.get().black().ip(InetAddress.getByName("192.0.2.1"))).isEmpty();
            s.put(entry(ListEntry.Color.BLACK, ListEntry.Kind.IP, "192.0.2.1", null));
            long end = System.currentTimeMillis() + 5000;
            while (lists.get().black().ip(InetAddress.getByName("192.0.2.1")).isEmpty() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertThat(lists.get().black().ip(InetAddress.getByName("192.0.2.1"))).isPresent();
        }
    }
}
