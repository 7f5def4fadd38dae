package net.portcullis.policy.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.policy.reports.SpamReport;
import net.portcullis.policy.store.ActionLog;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.Databases;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Subject access and erasure over every table that can name a person, on both stores. */
class PersonalDataTest {
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    @TempDir
    Path dir;
    String schema;

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    static String decision(String ref, String sender, List<String> rcpts) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("ref", ref, "event", "transaction", "sender", sender,
                "recipients", rcpts.stream().map(r -> Map.of("address", r)).toList()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everythingAboutAnAddressIsExportedAndErasedAndWhatIsKeptIsSaid(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        HoldStore holds = new HoldStore(db, dir.resolve("hold"), dir.resolve("hold.key"));
        DecisionStore decisions = new DecisionStore(db);
        decisions.append(List.of(
                new DecisionStore.Row("AAAAAAA1", T, "transaction", "192.0.2.1", "news@shop.example", "accepted", null,
                        List.of("alice@example.net", "bob@example.net"), decision("AAAAAAA1", "news@shop.example", List.of("alice@example.net", "bob@example.net"))),
                new DecisionStore.Row("AAAAAAA2", T, "transaction", "192.0.2.1", "Alice@Example.net", "accepted", null,
                        List.of("carol@other.example"), decision("AAAAAAA2", "Alice@Example.net", List.of("carol@other.example"))),
                new DecisionStore.Row("AAAAAAA3", T, "transaction", "192.0.2.1", "x@shop.example", "accepted", null,
                        List.of("malice@example.net"), decision("AAAAAAA3", "x@shop.example", List.of("malice@example.net")))));
        new ConsentStore(db).append(new ConsentEvent(0, "alice@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form",
                "form 7, 192.0.2.5", "api", T, null));
        new ReportStore(db).add(new SpamReport("alice@example.net", "abuse", "203.0.113.9", "spam.example", null, List.of(), "h1", List.of(),
                null, null), T);
        holds.hold(new HoldStore.Held("HHHHHHH1", T, "192.0.2.1", "mail.shop.example", "news@shop.example", List.of("alice@example.net"), 10,
                "hold-x", "held", T.plusSeconds(86400), "held", null), new ByteArrayInputStream("To: alice@example.net\r\n\r\nhi\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
        holds.hold(new HoldStore.Held("HHHHHHH2", T, "192.0.2.1", "mail.shop.example", "news@shop.example",
                List.of("alice@example.net", "bob@example.net"), 10, "hold-x", "held", T.plusSeconds(86400), "held", null),
                new ByteArrayInputStream("hi\r\n".getBytes(StandardCharsets.US_ASCII)));
        new ActionLog(db).record(T, "ann", "allow", "white address alice@example.net for 30d", "asked", "ok");
        new ListStore(db).put(new ListEntry(0, ListEntry.Color.WHITE, ListEntry.Kind.ADDRESS, "alice@example.net", "asked", "admin", T, null));

        PersonalData data = new PersonalData(db, holds);
        Map<String, Object> out = data.export("ALICE@example.net");
        assertThat((List<?>) out.get("decisions")).hasSize(2).as("malice@ is someone else").allSatisfy(d -> assertThat(d.toString()).doesNotContain("malice"));
        assertThat((List<?>) out.get("consent_events")).hasSize(1);
        assertThat((List<?>) out.get("reports_made")).hasSize(1);
        assertThat((List<?>) out.get("held_mail")).hasSize(2);
        assertThat((List<?>) out.get("list_entries")).hasSize(1);
        assertThat((List<?>) out.get("review_actions")).hasSize(1);
        assertThat(new ObjectMapper().writeValueAsString(out)).as("it is JSON").contains("\"address\":\"alice@example.net\"");

        PersonalData.Erased e = data.erase("alice@example.net", "privacy", T);
        assertThat(e.pseudonym()).matches("erased-[0-9a-f]{12}@example\\.net");
        assertThat(e.decisions()).isEqualTo(2);
        assertThat(e.reports()).isEqualTo(1);
        assertThat(e.heldDeleted()).as("the one held for her alone").isEqualTo(1);
        assertThat(e.consentEventsKept()).isEqualTo(1);
        assertThat(e.listEntriesKept()).isEqualTo(1);
        Map<String, Object> after = data.export("alice@example.net");
        assertThat((List<?>) after.get("decisions")).isEmpty();
        assertThat((List<?>) after.get("reports_made")).isEmpty();
        assertThat((List<?>) after.get("held_mail")).isEmpty();
        assertThat((List<?>) after.get("review_actions")).isEmpty();
        assertThat((List<?>) after.get("consent_events")).as("kept: the evidence").hasSize(1);
        assertThat(decisions.find("AAAAAAA1").get(0)).contains(e.pseudonym(), "bob@example.net").doesNotContainIgnoringCase("alice@");
        assertThat(decisions.find("AAAAAAA3").get(0)).as("malice untouched").contains("malice@example.net");
        assertThat(holds.find("HHHHHHH1").state()).isEqualTo("deleted");
        assertThat(holds.find("HHHHHHH2").recipients()).containsExactly(e.pseudonym(), "bob@example.net");
        assertThat(decisions.query(new DecisionStore.Filter(null, null, null, null, e.pseudonym(), null, null, 10)))
                .as("still found by its pseudonym: counts add up").hasSize(1);
        assertThatThrownBy(() -> data.erase("not-an-address", "privacy", T)).hasMessageContaining("not an address");
    }
}
