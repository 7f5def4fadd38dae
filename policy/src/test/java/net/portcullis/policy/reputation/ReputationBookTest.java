package net.portcullis.policy.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reputation on a clock the test turns: what events add, how they decay, and the store under it on both databases. */
class ReputationBookTest {
    static final Duration WEEK = Duration.ofDays(7);
    static final ReputationBook.Weights WEIGHTS = new ReputationBook.Weights(1, 1, 0.1, 0.02);
    static final Reputation.Key CLIENT = new Reputation.Key(Reputation.Kind.CLIENT, "192.0.2.7");
    static final Reputation.Key NETWORK = new Reputation.Key(Reputation.Kind.NETWORK, "192.0.2.0/24");
    static final Reputation.Key DOMAIN = new Reputation.Key(Reputation.Kind.SENDER_DOMAIN, "deals.example");

    @TempDir
    Path dir;
    String schema;
    final net.portcullis.policy.testing.TestClock clock = new net.portcullis.policy.testing.TestClock(Instant.parse("2026-12-01T00:00:00Z"));

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    Database db(String kind) throws Exception {
        return kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
    }

    @Test
    void aValueIsBadLessGoodOverBothPlusOneAndHalvesEachHalfLife() {
        Reputation.Score s = new Reputation.Score(3, 0, clock.instant());
        assertThat(s.value()).isEqualTo(0.75);
        assertThat(new Reputation.Score(0, 0, clock.instant()).value()).as("a stranger").isZero();
        assertThat(new Reputation.Score(1, 0, clock.instant()).value()).as("one report is no certainty").isEqualTo(0.5);
        Reputation.Score later = s.decayedTo(clock.instant().plus(WEEK), WEEK);
        assertThat(later.bad()).isCloseTo(1.5, within(1e-9));
        assertThat(s.decayedTo(clock.instant().plus(WEEK.multipliedBy(10)), WEEK).value()).as("ten half-lives on").isLessThan(0.01);
        assertThat(s.decayedTo(clock.instant().minusSeconds(5), WEEK).bad()).as("a clock going back decays nothing").isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void reportsRefusalsAndDeliveriesAddUpAndDecayInTheStore(String kind) throws Exception {
        Database sameDb = db(kind);
        ReputationBook book = new ReputationBook(new ReputationStore(sameDb), WEEK, WEIGHTS, Duration.ofMinutes(1), clock);
        InetAddress client = InetAddress.getByName("192.0.2.7");
        for (int i = 0; i < 3; i++) {
            book.spamReported("192.0.2.7", "deals.example", List.of("pills.example"), 1);
        }
        assertThat(book.value(CLIENT)).as("unwritten events count at once").isEqualTo(0.75);
        assertThat(book.flush()).isEqualTo(4);
        assertThat(book.value(CLIENT)).as("read back from the store").isCloseTo(0.75, within(1e-9));
        assertThat(book.value(NETWORK)).isCloseTo(0.75, within(1e-9));
        assertThat(book.value(new Reputation.Key(Reputation.Kind.LINK, "pills.example"))).isCloseTo(0.75, within(1e-9));

        clock.advance(WEEK);
        assertThat(book.value(CLIENT)).as("a week on: bad 1.5").isCloseTo(0.6, within(1e-9));
        book.hamReported("192.0.2.7", "deals.example", List.of());
        book.refused(client, "deals.example");
        for (int i = 0; i < 50; i++) {
            book.delivered(client, "deals.example");
        }
        book.flush();
        // bad 1.5 + 0.1 refusal, good 1 ham + 50 x 0.02
        assertThat(book.value(CLIENT)).isCloseTo((1.6 - 2.0) / (1.6 + 2.0 + 1), within(1e-9));
        assertThat(new ReputationStore(sameDb).worst(Reputation.Kind.SENDER_DOMAIN, clock.instant(), WEEK, 5))
                .containsOnlyKeys("deals.example");
    }

    @Test
    void twoGatewaysOfAFleetAddUpOnOnePostgresqlStore() throws Exception {
        Database shared = db("postgresql");
        ReputationBook a = new ReputationBook(new ReputationStore(shared), WEEK, WEIGHTS, Duration.ZERO, clock);
        ReputationBook b = new ReputationBook(new ReputationStore(shared), WEEK, WEIGHTS, Duration.ZERO, clock);
        a.spamReported("192.0.2.7", null, List.of(), 1);
        b.spamReported("192.0.2.7", null, List.of(), 2);
        a.flush();
        b.flush();
        assertThat(a.value(CLIENT)).as("3 bad, not 1 or 2").isCloseTo(0.75, within(1e-9));
    }

    @Test
    void aBatchTheStoreDoesNotTakeIsKeptForTheNextFlush() throws Exception {
        Database db = db("sqlite");
        ReputationBook book = new ReputationBook(new ReputationStore(db), WEEK, WEIGHTS, Duration.ZERO, clock);
        book.spamReported("192.0.2.7", "deals.example", List.of(), 1);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE reputation RENAME TO reputation_away");
        }
        assertThatThrownBy(book::flush).isInstanceOf(java.sql.SQLException.class);
        book.spamReported("192.0.2.7", "deals.example", List.of(), 1);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE reputation_away RENAME TO reputation");
        }
        assertThat(book.flush()).isEqualTo(3);
        assertThat(new ReputationStore(db).read(CLIENT).bad()).as("both reports, none lost").isEqualTo(2);
        assertThat(new ReputationStore(db).read(DOMAIN).bad()).isEqualTo(2);
    }
}
