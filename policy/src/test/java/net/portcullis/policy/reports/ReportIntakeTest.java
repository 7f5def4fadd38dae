package net.portcullis.policy.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.Databases;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Networks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Spam reports: parsing real ARF samples (sisimai), then the listing policy on both stores. */
class ReportIntakeTest {
    static final Path ARF = Path.of("src/test/resources/arf");

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
    @CsvSource(delimiter = '|', value = {
            "arf-01.eml|kijitora@example.co.jp|abuse|192.0.2.41|example.ed.jp",
            "arf-02.eml|feedback@arf.mail.yahoo.com|abuse|192.0.2.8|example.com",
            "arf-11.eml|neko@example.com|abuse|192.0.2.2|example.net",
            "arf-14.eml|complaints@email-abuse.amazonses.com|abuse|192.0.2.2|example.jp",
            "arf-18.eml|dmarc-noreply@example.com|auth-failure|192.0.2.222|example.org",
            "arf-21.eml|feedbackloop@feedback.terra.com|abuse|203.0.113.225|example.net",
            "arf-22.eml|staff@hotmail.com|abuse|203.0.113.245|example.com",
    })
    void arfReportsOfSeveralProvidersAreRead(String file, String reporter, String type, String source, String domain) throws Exception {
        SpamReport r = new ReportParser(new Networks(List.of())).parse(Files.readAllBytes(ARF.resolve(file)));
        assertThat(r.reporter()).isEqualTo(reporter);
        assertThat(r.feedbackType()).isEqualTo(type);
        assertThat(r.sourceIp()).isEqualTo(source);
        assertThat(r.senderDomain()).isEqualTo(domain);
        assertThat(r.messageHash()).hasSize(64);
    }

    @Test
    void reportsWithoutTheReportedMessageAreRefusedWithAReason() throws Exception {
        ReportParser p = new ReportParser(new Networks(List.of()));
        for (String f : List.of("arf-12.eml", "arf-26.eml")) {
            assertThatThrownBy(() -> p.parse(Files.readAllBytes(ARF.resolve(f)))).isInstanceOf(ReportRefused.class)
                    .hasMessage("no reported message attached (expected message/rfc822 or text/rfc822-headers)");
        }
        assertThatThrownBy(() -> p.parse("garbage without headers".getBytes())).isInstanceOf(ReportRefused.class);
        assertThatThrownBy(() -> p.parse(new byte[ReportParser.MAX_REPORT_SIZE + 1])).hasMessage("report is larger than 10 MB");
    }

    @Test
    void aReportNamingOurOwnNetworkListsNoOne() throws Exception {
        ReportParser p = new ReportParser(Networks.parse(List.of("192.0.2.0/24")));
        assertThatThrownBy(() -> p.parse(Files.readAllBytes(ARF.resolve("arf-01.eml")))).isInstanceOf(ReportRefused.class)
                .hasMessageContaining("our own trusted network");
    }

    /** A forwarded complaint about a message from 203.0.113.9, reported by one user. */
    static byte[] forward(String reporter, String uniq) {
        String original = "Received: from spam.example ([203.0.113.9]) by mx.example.net (Portcullis) with ESMTP id X;"
                + " Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam.example\r\nMessage-ID: <" + uniq + "@spam.example>\r\n"
                + "Subject: buy\r\n\r\nBuy now at https://spam.example/buy\r\n";
        return ("From: " + reporter + "\r\nTo: spam-reports@example.net\r\nSubject: spam\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nthis is spam\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n--b--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void threeDistinctReportersListTheSourceAndADelistingIsNotUndoneByOldReports(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        ListStore lists = new ListStore(db);
        ReportStore reports = new ReportStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of())), reports, lists,
                () -> Lists.of(List.of(), Clock.systemUTC()), 3, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC());
        ReportIntake.Outcome a = intake.ingest(forward("alice@example.net", "m1"));
        assertThat(a.report().urls()).containsExactly("https://spam.example/buy");
        assertThat(intake.ingest(forward("alice@example.net", "m1")).duplicate()).isTrue();
        assertThat(intake.ingest(forward("alice@example.net", "m2")).listed()).as("one reporter, twice").isNull();
        assertThat(intake.ingest(forward("bob@example.net", "m3")).listed()).isNull();
        ReportIntake.Outcome c = intake.ingest(forward("carol@example.net", "m4"));
        assertThat(c.listed()).isNotNull();
        assertThat(c.listed().reason()).startsWith("spam reports from 3 users (reports [");
        assertThat(Lists.of(lists.all(), Clock.systemUTC()).black().ip(InetAddress.getByName("203.0.113.9"))).isPresent();

        lists.remove(ListEntry.Color.BLACK, ListEntry.Kind.IP, "203.0.113.9");
        reports.delist(ListEntry.Kind.IP, "203.0.113.9", "admin", Instant.now());
        Thread.sleep(5);
        assertThat(intake.ingest(forward("dave@example.net", "m5")).listed()).as("old reports do not count after delisting").isNull();
        assertThat(lists.all()).isEmpty();
    }

    @Test
    void aWhitelistedSourceIsNotListed() throws Exception {
        Database db = Databases.sqlite(dir);
        ListStore lists = new ListStore(db);
        List<ListEntry> white = List.of(new ListEntry(0, ListEntry.Color.WHITE, ListEntry.Kind.IP, "203.0.113.0/24", "partner",
                "admin", Instant.now(), null));
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of())), new ReportStore(db), lists,
                () -> Lists.of(white, Clock.systemUTC()), 1, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC());
        assertThat(intake.ingest(forward("alice@example.net", "w1")).listed()).isNull();
    }

    static Stream<Path> samples() throws Exception {
        return Files.list(ARF).filter(p -> p.toString().endsWith(".eml"));
    }
}
