package net.portcullis.policy.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.portcullis.policy.store.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The consent event model, and the store on both databases: nothing lost, nothing half-applied. */
class ConsentTest {
    @TempDir
    Path dir;
    String schema;

    ConsentStore store(String kind) throws Exception {
        if (kind.equals("sqlite")) {
            return new ConsentStore(Databases.sqlite(dir));
        }
        schema = Databases.newSchema();
        return new ConsentStore(Databases.postgres(schema));
    }

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static ConsentEvent ev(long id, String rcpt, String sender, ConsentEvent.Action a, String method, Instant at, Instant until) {
        return new ConsentEvent(id, rcpt, sender, a, method, "evidence-" + id, "test", at, until);
    }

    @Test
    void stateIsDerivedFromTheEventsInOrder() {
        Instant now = T0.plus(Duration.ofDays(10));
        var g = ev(1, "u@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", T0, null);
        var r = ev(2, "u@example.net", "shop.example", ConsentEvent.Action.REVOKE, "admin", T0.plusSeconds(60), null);
        var g2 = ev(3, "u@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", T0.plusSeconds(120), null);
        assertThat(ConsentState.derive("u", "s", List.of(g), now).status()).isEqualTo(ConsentState.Status.ACTIVE);
        assertThat(ConsentState.derive("u", "s", List.of(g, r), now).status()).isEqualTo(ConsentState.Status.REVOKED);
        assertThat(ConsentState.derive("u", "s", List.of(g, r, g2), now).status()).as("a newer grant counts again")
                .isEqualTo(ConsentState.Status.ACTIVE);
        var pending = ev(4, "u", "s", ConsentEvent.Action.GRANT, "double-opt-in", T0, null);
        var confirm = ev(5, "u", "s", ConsentEvent.Action.CONFIRM, "admin", T0.plusSeconds(30), null);
        assertThat(ConsentState.derive("u", "s", List.of(pending), now).status()).isEqualTo(ConsentState.Status.PENDING);
        assertThat(ConsentState.derive("u", "s", List.of(pending, confirm), now).status()).isEqualTo(ConsentState.Status.ACTIVE);
        var limited = ev(6, "u", "s", ConsentEvent.Action.GRANT, "web-form", T0, T0.plus(Duration.ofDays(5)));
        assertThat(ConsentState.derive("u", "s", List.of(limited), now).status()).isEqualTo(ConsentState.Status.EXPIRED);
        assertThat(ConsentState.derive("u", "s", List.of(confirm), now).status()).as("confirm without grant").isEqualTo(ConsentState.Status.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRevocationWinsOverAnyOlderGrantIncludingADomainWideOne(String kind) throws Exception {
        ConsentStore s = store(kind);
        ConsentBook book = new ConsentBook(s, Duration.ofMillis(1), Clock.systemUTC());
        Instant now = Instant.now();
        s.append(ev(0, "example.net", "shop.example", ConsentEvent.Action.GRANT, "import", now.minusSeconds(100), null));
        assertThat(book.lookup("u@example.net", "shop.example", "news@shop.example").granted()).isTrue();
        s.append(ev(0, "u@example.net", "shop.example", ConsentEvent.Action.REVOKE, "admin", now.minusSeconds(50), null));
        Thread.sleep(5);
        assertThat(book.lookup("u@example.net", "shop.example", "news@shop.example").status()).isEqualTo(ConsentState.Status.REVOKED);
        assertThat(book.lookup("v@example.net", "shop.example", "news@shop.example").granted()).as("others keep the domain grant").isTrue();
        s.append(ev(0, "u@example.net", "news@shop.example", ConsentEvent.Action.GRANT, "web-form", now.minusSeconds(10), null));
        Thread.sleep(5);
        assertThat(book.lookup("u@example.net", "shop.example", "news@shop.example").granted()).as("a newer grant for one address").isTrue();
        assertThat(book.lookup("u@example.net", null, "news@shop.example").granted()).as("unauthenticated: none").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anImportThatFailsAtNinetyPercentAppliesNothing(String kind) throws Exception {
        ConsentStore s = store(kind);
        List<ConsentEvent> batch = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            batch.add(ev(0, "u" + i + "@example.net", "shop.example", ConsentEvent.Action.GRANT, "import", T0, null));
        }
        batch.add(new ConsentEvent(0, "u90@example.net", "shop.example", ConsentEvent.Action.GRANT, "import", null, "x", T0, null));
        for (int i = 91; i < 100; i++) {
            batch.add(ev(0, "u" + i + "@example.net", "shop.example", ConsentEvent.Action.GRANT, "import", T0, null));
        }
        assertThatThrownBy(() -> s.appendAll(batch)).isInstanceOf(SQLException.class);
        assertThat(s.events(null, null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentWritersLoseNothing(String kind) throws Exception {
        ConsentStore s = store(kind);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        var a = i % 2 == 0 ? ConsentEvent.Action.GRANT : ConsentEvent.Action.REVOKE;
                        s.append(ev(0, "u@example.net", "shop.example", a, "api", Instant.now(), null));
                        s.append(ev(0, "w" + writer + "@example.net", "shop.example", ConsentEvent.Action.GRANT, "api", Instant.now(), null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(s.events(null, null)).hasSize(400);
        assertThat(s.events("u@example.net", "shop.example")).hasSize(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void retentionKeepsTheLastEventOfEachPairAndTheRegistryWorks(String kind) throws Exception {
        ConsentStore s = store(kind);
        s.append(ev(0, "u@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", T0, null));
        s.append(ev(0, "u@example.net", "shop.example", ConsentEvent.Action.REVOKE, "admin", T0.plusSeconds(1), null));
        assertThat(s.purgeBefore(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
        assertThat(s.events(null, null)).extracting(ConsentEvent::action).containsExactly(ConsentEvent.Action.REVOKE);
        s.registerSender("shop.example", "marketer", "admin", Instant.now());
        ConsentBook book = new ConsentBook(s, Duration.ofMillis(1), Clock.systemUTC());
        assertThat(book.isBulkSender("news.shop.example")).isTrue();
        assertThat(book.isBulkSender("other.example")).isFalse();
    }

    @Test
    void aRevocationReachesEveryGatewayOfAFleetWithinTheRefreshInterval() throws Exception {
        schema = Databases.newSchema();
        ConsentStore gatewayA = new ConsentStore(Databases.postgres(schema));
        ConsentStore gatewayB = new ConsentStore(Databases.postgres(schema));
        ConsentBook bookB = new ConsentBook(gatewayB, Duration.ofMillis(300), Clock.systemUTC());
        gatewayA.append(ev(0, "u@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form", Instant.now(), null));
        assertThat(bookB.lookup("u@example.net", "shop.example", "").granted()).isTrue();
        gatewayA.append(ev(0, "u@example.net", "shop.example", ConsentEvent.Action.REVOKE, "api", Instant.now(), null));
        long t0 = System.nanoTime();
        while (bookB.lookup("u@example.net", "shop.example", "").granted() && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(bookB.lookup("u@example.net", "shop.example", "").status()).isEqualTo(ConsentState.Status.REVOKED);
        assertThat(ms).as("bounded by consent.refresh (300 ms here), plus scheduling").isLessThan(2_000);
    }

    @Test
    void partiesAreValidated() {
        assertThat(ConsentEvent.party("recipient", "U@Example.NET")).isEqualTo("u@example.net");
        assertThatThrownBy(() -> ConsentEvent.party("recipient", "not an address")).hasMessage(
                "recipient 'not an address' is neither an address (user@domain) nor a domain");
    }
}
