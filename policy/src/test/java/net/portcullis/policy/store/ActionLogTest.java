package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record of reviewers' actions, the same on both stores: newest first, bounded. */
class ActionLogTest {
    @TempDir
    Path dir;
    String schema;

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void actionsAreKeptWithWhoWhyAndOutcomeNewestFirst(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        ActionLog log = new ActionLog(db);
        Instant t = Instant.parse("2026-11-28T08:00:00Z");
        log.record(t, "ann", "allow", "white address news@other.org for 30d", "newsletter", "Allowlisted address news@other.org for 30d.");
        log.record(t.plusSeconds(60), "bob", "release", "held 24BZZ2R3", "expected report", "released 24BZZ2R3 to 2 recipient(s)");
        assertThat(log.recent(10)).extracting(ActionLog.Action::account).containsExactly("bob", "ann");
        ActionLog.Action newest = log.recent(1).get(0);
        assertThat(newest.at()).isEqualTo(t.plusSeconds(60));
        assertThat(newest.action()).isEqualTo("release");
        assertThat(newest.target()).isEqualTo("held 24BZZ2R3");
        assertThat(newest.reason()).isEqualTo("expected report");
        assertThat(newest.outcome()).startsWith("released 24BZZ2R3");
    }
}
