package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decision store on both databases: the same searches, counts and retention. */
class DecisionStoreTest {
    @TempDir
    Path dir;
    String schema;

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    static DecisionStore.Row row(String ref, Instant at, String client, String sender, String verdict, String rule, String... rcpts) {
        return new DecisionStore.Row(ref, at, "transaction", client, sender, verdict, rule, List.of(rcpts),
                "{\"ref\":\"" + ref + "\",\"verdict\":\"" + verdict + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void decisionsAreFoundByEveryIndexedFieldAndPurgedAfterTheirRetention(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        DecisionStore s = new DecisionStore(db);
        Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
        s.append(List.of(
                row("AAAAAAA1", t0, "203.0.113.5", "a@other.org", "rejected", "relay.closed", "<victim@elsewhere.com>"),
                row("AAAAAAA2", t0.plusSeconds(3600), "203.0.113.5", "A@Other.org", "accepted", "downstream", "u1@example.net", "u2@example.net"),
                row("AAAAAAA3", t0.plusSeconds(7200), "198.51.100.7", "b@spam.example", "rejected", "dmarc-reject", "u1@example.net")));
        assertThat(s.find("aaaaaaa2")).containsExactly("{\"ref\":\"AAAAAAA2\",\"verdict\":\"accepted\"}");
        assertThat(s.query(DecisionStore.Filter.all(10))).hasSize(3).first().asString().contains("AAAAAAA3");
        assertThat(s.query(new DecisionStore.Filter(null, null, "203.0.113.5", null, null, null, null, 10))).hasSize(2);
        assertThat(s.query(new DecisionStore.Filter(null, null, null, "a@other.org", null, null, null, 10))).hasSize(2);
        assertThat(s.query(new DecisionStore.Filter(null, null, null, null, "U1@example.net", null, null, 10))).hasSize(2);
        assertThat(s.query(new DecisionStore.Filter(null, null, null, null, "victim@elsewhere.com", null, null, 10))).hasSize(1);
        assertThat(s.query(new DecisionStore.Filter(null, null, null, null, null, "rejected", "dmarc-reject", 10)))
                .singleElement().asString().contains("AAAAAAA3");
        assertThat(s.query(new DecisionStore.Filter(t0.plusSeconds(1), t0.plusSeconds(7200), null, null, null, null, null, 10)))
                .singleElement().asString().contains("AAAAAAA2");
        assertThat(s.query(DecisionStore.Filter.all(1))).hasSize(1);
        var stats = s.stats(DecisionStore.Filter.all(10));
        assertThat(stats.get("verdict")).containsEntry("rejected", 2L).containsEntry("accepted", 1L);
        assertThat(stats.get("rule")).containsEntry("dmarc-reject", 1L);
        assertThat(stats.get("hour")).containsOnlyKeys("2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z");
        long first = s.lastId();
        s.append(List.of(row("AAAAAAA4", t0.plusSeconds(9000), "192.0.2.1", null, "aborted", null)));
        assertThat(s.after(first, 10)).singleElement().satisfies(e -> assertThat(e.getValue()).contains("AAAAAAA4"));
        assertThat(s.purgeBefore(t0.plusSeconds(3600))).isEqualTo(1);
        assertThat(s.find("AAAAAAA1")).isEmpty();
        assertThat(s.query(new DecisionStore.Filter(null, null, null, null, "victim@elsewhere.com", null, null, 10))).isEmpty();
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void pagesFollowEachOtherWithoutGapsOrRepeatsAndTheOverviewCountsAgree(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        DecisionStore s = new DecisionStore(db);
        Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
        java.util.List<DecisionStore.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 95; i++) {
            // pairs share a millisecond: the page boundary must still neither skip nor repeat one
            rows.add(row(String.format("R%07d", i), t0.plusMillis(i / 2 * 120_000L), "192.0.2." + (i % 4),
                    (i % 3 == 0 ? "x" : "y") + i + "@d" + (i % 3) + ".example", i % 5 == 0 ? "accepted" : "rejected",
                    i % 5 == 0 ? "downstream" : "rule-" + (i % 2), "u@example.net"));
        }
        s.append(rows);
        java.util.List<String> seen = new java.util.ArrayList<>();
        DecisionStore.Stored before = null;
        for (int page = 0; page < 10; page++) {
            java.util.List<DecisionStore.Stored> p = s.page(DecisionStore.Filter.all(20), before);
            if (p.isEmpty()) {
                break;
            }
            p.forEach(x -> seen.add(x.json().substring(8, 16)));
            before = s.byId(p.get(p.size() - 1).id());
        }
        assertThat(seen).hasSize(95).doesNotHaveDuplicates().startsWith("R0000094", "R0000093").endsWith("R0000000");
        // "@d1.example": every sender of that domain, and no other (nor a domain merely ending so)
        assertThat(s.page(new DecisionStore.Filter(null, null, null, "@D1.example", null, null, null, 100), null))
                .hasSize(32).allSatisfy(x -> assertThat(Integer.parseInt(x.json().substring(9, 16)) % 3).isEqualTo(1));
        assertThat(s.page(new DecisionStore.Filter(null, null, null, "@_1.example", null, null, null, 100), null)).isEmpty();

        Instant since = t0.minusSeconds(1);
        long rejected = rows.stream().filter(r -> r.verdict().equals("rejected")).count();
        var byRule = s.refusalsByRuleAndHour(since);
        assertThat(byRule).containsOnlyKeys("rule-0", "rule-1");
        assertThat(byRule.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()).isEqualTo(rejected);
        assertThat(byRule.get("rule-1")).containsOnlyKeys(t0, t0.plusSeconds(3600));
        var verdicts = s.verdictsByHour(since);
        assertThat(verdicts.get("accepted").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(19);
        assertThat(s.topRefused(DecisionStore.Top.CLIENT, since, 2)).hasSize(2).allSatisfy((k, v) -> assertThat(k).startsWith("192.0.2."));
        var domains = s.topRefused(DecisionStore.Top.SENDER_DOMAIN, since, 10);
        assertThat(domains).containsOnlyKeys("d0.example", "d1.example", "d2.example");
        assertThat(domains.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(rejected);
        assertThat(s.topRefused(DecisionStore.Top.CLIENT, t0.plusSeconds(86_400), 10)).isEmpty();
    }
}
