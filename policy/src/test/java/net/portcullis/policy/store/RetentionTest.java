package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.reports.AbuseReportStore;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.policy.reports.SpamReport;
import net.portcullis.policy.reputation.Reputation;
import net.portcullis.policy.reputation.ReputationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of record past its period goes, the rest stays, on both stores. */
class RetentionTest {
    static final Instant NOW = Instant.parse("2026-12-04T00:00:00Z");
    static final Instant OLD = NOW.minus(Duration.ofDays(800));
    static final Instant RECENT = NOW.minus(Duration.ofDays(2));
    @TempDir
    Path dir;
    String schema;

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    static SpamReport report(String hash) {
        return new SpamReport("u@example.net", "abuse", "203.0.113.9", "spam.example", null, List.of("https://pills.example/"), hash,
                List.of(), null, null);
    }

    static long count(Database db, String table) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void whatIsPastItsPeriodGoesAndAnOwedReportAndTheLastConsentEventStay(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        ReportStore reports = new ReportStore(db);
        reports.add(report("old"), OLD);
        reports.add(report("new"), RECENT);
        ActionLog actions = new ActionLog(db);
        actions.record(OLD, "ann", "allow", "x", "why", "ok");
        actions.record(RECENT, "ann", "allow", "y", "why", "ok");
        AbuseReportStore out = new AbuseReportStore(db);
        out.confirm("203.0.113.1", OLD, Duration.ofDays(1));
        out.confirm("203.0.113.2", OLD, Duration.ofDays(1));
        long sent = out.pending().get(0).id();
        out.settle(sent, "sent", "abuse@net.example", "rdap", 3, OLD, "<m@x>", null);
        ReputationStore rep = new ReputationStore(db);
        rep.add(Map.of(new Reputation.Key(Reputation.Kind.CLIENT, "203.0.113.9"), new double[] {1, 0}), OLD, Duration.ofDays(7));
        rep.add(Map.of(new Reputation.Key(Reputation.Kind.CLIENT, "203.0.113.10"), new double[] {1, 0}), RECENT, Duration.ofDays(7));
        ConsentStore consent = new ConsentStore(db);
        consent.append(new ConsentEvent(0, "a@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", "f", "api", OLD, null));
        consent.append(new ConsentEvent(0, "a@example.net", "shop.example", ConsentEvent.Action.REVOKE, "web-form", "f", "api",
                OLD.plusSeconds(60), null));
        consent.append(new ConsentEvent(0, "b@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", "f", "api", OLD, null));

        Map<String, Integer> gone = new Retention(db, new Retention.Periods(Duration.ofDays(365), Duration.ofDays(730), Duration.ofDays(365),
                Duration.ofDays(90), Duration.ofDays(365))).purge(NOW);
        assertThat(gone).containsEntry("reports", 1).containsEntry("report links", 1).containsEntry("review actions", 1)
                .containsEntry("abuse reports sent", 1).containsEntry("reputation rows", 1).containsEntry("consent events", 1);
        assertThat(reports.recent(10)).hasSize(1);
        assertThat(count(db, "report_link")).isEqualTo(1);
        assertThat(actions.recent(10)).extracting(ActionLog.Action::target).containsExactly("y");
        assertThat(out.pending()).as("one still owed is never dropped").hasSize(1);
        assertThat(rep.read(new Reputation.Key(Reputation.Kind.CLIENT, "203.0.113.9"))).isEqualTo(Reputation.Score.NONE);
        assertThat(consent.events("a@example.net", "shop.example")).as("the newest of the pair stays: the revocation")
                .singleElement().extracting(ConsentEvent::action).isEqualTo(ConsentEvent.Action.REVOKE);
        assertThat(consent.events("b@example.net", "shop.example")).hasSize(1);
    }
}
