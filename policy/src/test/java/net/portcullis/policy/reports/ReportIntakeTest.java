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
    static final java.util.Set<String> US = java.util.Set.of("mx.example.net");

    @TempDir
    Path dir;
    String schema;

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            Databases.dropPostgres(schema);
        }
    }

    /**
     * Samples written by other providers: no Received field of ours is in them, so the source is
     * their ARF Source-IP, never a Received hop someone else wrote (in arf-01 that hop is the
     * reporter's own relay, 192.0.2.41, while the report says 192.0.2.89).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "arf-01.eml|kijitora@example.co.jp|abuse|192.0.2.89|example.ed.jp",
            "arf-15.eml|feedbackloop@feedback.example.org|abuse|192.0.2.222|SKIP",
            "arf-18.eml|dmarc-noreply@example.com|auth-failure|192.0.2.222|example.org",
            "arf-19.eml|abuse@126.example.com|auth-failure|203.0.113.2|example.net",
            "arf-21.eml|feedbackloop@feedback.terra.com|abuse|198.51.100.224|example.net",
    })
    void arfReportsOfSeveralProvidersAreRead(String file, String reporter, String type, String source, String domain) throws Exception {
        SpamReport r = new ReportParser(new Networks(List.of()), US).parse(Files.readAllBytes(ARF.resolve(file)));
        assertThat(r.reporter()).isEqualTo(reporter);
        assertThat(r.feedbackType()).isEqualTo(type);
        assertThat(r.sourceIp()).isEqualTo(source);
        if (!"SKIP".equals(domain)) {
            assertThat(r.senderDomain()).isEqualTo(domain);
        }
        assertThat(r.messageHash()).hasSize(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arf-02.eml", "arf-11.eml", "arf-14.eml", "arf-22.eml", "arf-23.eml", "arf-24.eml"})
    void withoutOurReceivedFieldOrASourceIpTheSourceIsUnknown(String file) throws Exception {
        SpamReport r = new ReportParser(new Networks(List.of()), US).parse(Files.readAllBytes(ARF.resolve(file)));
        assertThat(r.sourceKnown()).isFalse();
        assertThat(r.ref()).isNull();
    }

    @Test
    void theSourceIsTheClientOfTheReceivedFieldWeWroteNotTheReportersHop() throws Exception {
        String original = "Received: from reporter-relay.example ([198.51.100.7]) by inbox.example.net; Tue, 24 Nov 2026 10:01:00 +0000\r\n"
                + "Received: from spam.example (unknown [203.0.113.9])\r\n\tby mx.example.net (Portcullis) with ESMTP id X;"
                + " Tue, 24 Nov 2026 10:00:00 +0000\r\nReceived: from x ([192.0.2.200]) by spam.example; Tue, 24 Nov 2026 09:59:00 +0000\r\n"
                + "From: deals@spam.example\r\nSubject: buy\r\n\r\nbuy\r\n";
        byte[] report = ("From: alice@example.net\r\nSubject: spam\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nspam\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n--b--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new ReportParser(new Networks(List.of()), US).parse(report).sourceIp()).isEqualTo("203.0.113.9");
        assertThat(new ReportParser(new Networks(List.of()), US).parse(report).ref()).as("our Received field's id").isEqualTo("X");
        // only trusted_networks are ours: a loopback address outside them is an ordinary source
        byte[] loop = new String(report, StandardCharsets.ISO_8859_1).replace("203.0.113.9", "127.0.0.9").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new ReportParser(Networks.parse(List.of("127.0.0.1/32")), US).parse(loop).sourceIp()).isEqualTo("127.0.0.9");
        assertThatThrownBy(() -> new ReportParser(Networks.parse(List.of("127.0.0.0/8")), US).parse(loop))
                .hasMessageContaining("our own trusted network");
    }

    @Test
    void theSingularTextRfc822HeaderTypeSeenInTheWildIsRead() throws Exception {
        assertThat(new ReportParser(new Networks(List.of()), US).parse(Files.readAllBytes(ARF.resolve("arf-12.eml"))).sourceKnown())
                .as("read; only its source is unknown").isFalse();
    }

    @Test
    void aFeedbackLoopReportCountsForEachOriginalRecipient() throws Exception {
        SpamReport r = new ReportParser(new Networks(List.of()), US).parse(Files.readAllBytes(ARF.resolve("arf-16.eml")));
        assertThat(r.originalRecipients()).hasSize(7);
        Database db = Databases.sqlite(dir);
        ListStore lists = new ListStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), lists,
                () -> Lists.of(List.of(), Clock.systemUTC()), 3, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC());
        ReportIntake.Outcome o = intake.ingest(Files.readAllBytes(ARF.resolve("arf-16.eml")));
        assertThat(o.distinctReporters()).isEqualTo(7);
        assertThat(o.listed()).isNotNull();
    }

    @Test
    void aProviderWithAConfiguredWeightCountsForSeveralReporters() throws Exception {
        Database db = Databases.sqlite(dir);
        ListStore lists = new ListStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), lists,
                () -> Lists.of(List.of(), Clock.systemUTC()), 3, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC(),
                java.util.Map.of("fbl.example", 3));
        assertThat(intake.ingest(forward("alice@example.net", "u1")).listed()).isNull();
        ReportIntake.Outcome o = intake.ingest(forward("loop@fbl.example", "u2"));
        assertThat(o.distinctReporters()).isEqualTo(4);
        assertThat(o.listed()).isNotNull();
    }

    @Test
    void randomAndMutatedReportsAreRefusedWithAReasonNeverAnException() throws Exception {
        ReportParser p = new ReportParser(new Networks(List.of()), US);
        java.util.Random rnd = new java.util.Random(5965);
        List<byte[]> seeds = new java.util.ArrayList<>();
        for (Path f : samples().sorted().toList()) {
            seeds.add(Files.readAllBytes(f));
        }
        for (int n = 0; n < 400; n++) {
            byte[] b = seeds.get(n % seeds.size()).clone();
            for (int k = rnd.nextInt(20); k >= 0; k--) {
                String junk = "\r\n:;=<>\"-/ab0\u00ff";
                b[rnd.nextInt(b.length)] = (byte) junk.charAt(rnd.nextInt(junk.length()));
            }
            if (n % 7 == 0) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            try {
                p.parse(b);
            } catch (ReportRefused expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        String nested = "Content-Type: multipart/mixed; boundary=a\r\n\r\n".repeat(1) + "--a\r\nContent-Type: message/rfc822\r\n\r\n".repeat(2000);
        // 2000 levels deep: read to the walk's depth bound, no deeper; a report of unknown source
        assertThat(p.parse(("From: x@y.example\r\nMIME-Version: 1.0\r\n" + nested).getBytes()).sourceKnown()).isFalse();
    }

    @Test
    void reportsWithoutTheReportedMessageAreRefusedWithAReason() throws Exception {
        ReportParser p = new ReportParser(new Networks(List.of()), US);
        for (String f : List.of("arf-26.eml")) {
            assertThatThrownBy(() -> p.parse(Files.readAllBytes(ARF.resolve(f)))).isInstanceOf(ReportRefused.class)
                    .hasMessage("no reported message attached (expected message/rfc822 or text/rfc822-headers)");
        }
        assertThatThrownBy(() -> p.parse("garbage without headers".getBytes())).isInstanceOf(ReportRefused.class);
        assertThatThrownBy(() -> p.parse(new byte[ReportParser.MAX_REPORT_SIZE + 1])).hasMessage("report is larger than 10 MB");
    }

    @Test
    void aReportNamingOurOwnNetworkListsNoOne() throws Exception {
        ReportParser p = new ReportParser(Networks.parse(List.of("192.0.2.0/24")), US);
        assertThatThrownBy(() -> p.parse(Files.readAllBytes(ARF.resolve("arf-01.eml")))).isInstanceOf(ReportRefused.class)
                .hasMessageContaining("our own trusted network");
    }

    /** A forwarded complaint about a message from 203.0.113.9, reported by one user. */
    /** A reported message whose link is hidden in base64 HTML: found as the URIBL check finds it. */
    static byte[] forwardAdvertising(String reporter, String uniq, String source) {
        String html = java.util.Base64.getMimeEncoder().encodeToString(
                "<a href=\"https://www.pills.example/buy\">cheap</a>".getBytes(StandardCharsets.US_ASCII));
        String original = "Received: from spam.example ([" + source + "]) by mx.example.net (Portcullis) with ESMTP id X;"
                + " Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam.example\r\nMessage-ID: <" + uniq + "@spam.example>\r\n"
                + "Subject: buy\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + html + "\r\n";
        return ("From: " + reporter + "\r\nTo: spam-reports@example.net\r\nSubject: spam\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nthis is spam\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n--b--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theDomainsReportedMessagesAdvertiseBecomeTheLinkListWithTheirOwnThreshold(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        ListStore lists = new ListStore(db);
        ReportStore reports = new ReportStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), reports, lists,
                () -> Lists.of(List.of(), Clock.systemUTC()), 100, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC())
                .listingLinks(2, Duration.ofDays(14));
        // from two different sources: no source reaches its threshold, the advertised domain does
        ReportIntake.Outcome a = intake.ingest(forwardAdvertising("alice@example.net", "p1", "203.0.113.9"));
        assertThat(a.report().urls()).contains("http://www.pills.example/");
        assertThat(a.linksListed()).isEmpty();
        ReportIntake.Outcome b = intake.ingest(forwardAdvertising("bob@example.net", "p2", "198.51.100.7"));
        assertThat(b.listed()).isNull();
        assertThat(b.linksListed()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ListEntry.Kind.LINK);
            assertThat(e.value()).isEqualTo("pills.example");
            assertThat(e.reason()).startsWith("advertised in messages reported by 2 users");
        });
        Lists.Snapshots now = Lists.of(lists.all(), Clock.systemUTC());
        assertThat(now.black().link("shop.pills.example")).isPresent();
        assertThat(now.black().domain("pills.example")).as("not a sender blacklisting").isEmpty();

        lists.remove(ListEntry.Color.BLACK, ListEntry.Kind.LINK, "pills.example");
        reports.delist(ListEntry.Kind.LINK, "pills.example", "admin", java.time.Instant.now());
        Thread.sleep(5); // the delisting's millisecond is past: reports from before it no longer count
        assertThat(intake.ingest(forwardAdvertising("carol@example.net", "p3", "192.0.2.1")).linksListed()).isEmpty();
    }

    /** An ARF report (RFC 5965) of one Feedback-Type about a message from 203.0.113.9 that our gateway received. */
    static byte[] arf(String reporter, String uniq, String feedbackType) {
        String original = "Received: from spam.example ([203.0.113.9]) by mx.example.net (Portcullis) with ESMTP id X;"
                + " Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam.example\r\nMessage-ID: <" + uniq + "@spam.example>\r\n"
                + "Subject: newsletter\r\n\r\nour newsletter\r\n";
        return ("From: " + reporter + "\r\nTo: spam-reports@example.net\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                + "a report\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: " + feedbackType + "\r\n"
                + "User-Agent: test/1\r\nVersion: 1\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n--b--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void notSpamReportsCountAgainstListingAndOtherKindsCountNeitherWay() throws Exception {
        Database db = Databases.sqlite(dir);
        ListStore lists = new ListStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), lists,
                () -> Lists.of(List.of(), Clock.systemUTC()), 2, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC());
        assertThat(intake.ingest(arf("alice@example.net", "n1", "abuse")).distinctReporters()).isEqualTo(1);
        ReportIntake.Outcome ham = intake.ingest(arf("bob@example.net", "n2", "not-spam"));
        assertThat(ham.report().feedbackType()).isEqualTo("not-spam");
        assertThat(ham.distinctReporters()).as("one user says spam, one says not").isZero();
        assertThat(intake.ingest(arf("erin@example.net", "n3", "auth-failure")).distinctReporters()).as("no complaint").isZero();
        assertThat(intake.ingest(arf("carol@example.net", "n4", "abuse")).listed()).as("2 - 1 is below the threshold").isNull();
        ReportIntake.Outcome d = intake.ingest(arf("dave@example.net", "n5", "abuse"));
        assertThat(d.distinctReporters()).isEqualTo(2);
        assertThat(d.listed()).isNotNull();
        // dave moves it out of Junk again: his last word on that message stands
        ReportIntake.Outcome changed = intake.ingest(arf("dave@example.net", "n5", "not-spam"));
        assertThat(changed.duplicate()).isFalse();
        assertThat(changed.reportId()).isEqualTo(d.reportId());
        assertThat(changed.distinctReporters()).as("alice, carol for; bob, dave against").isZero();
        assertThat(intake.ingest(arf("dave@example.net", "n5", "not-spam")).duplicate()).isTrue();
    }

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
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), reports, lists,
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

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void reportsAboutMailWeNeverSawAndPastAReportersCapAreKeptButCountForNothing(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Databases.sqlite(dir) : Databases.postgres(schema = Databases.newSchema());
        ReportStore reports = new ReportStore(db);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), reports, new ListStore(db),
                () -> Lists.of(List.of(), Clock.systemUTC()), 2, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC())
                .checkingSeen(ref -> ref.equals("X")).cappingReporters(2);
        // a Received field of ours copied onto mail we never passed: its reference leads to no decision
        byte[] copied = new String(forward("mallory@example.net", "c1"), StandardCharsets.ISO_8859_1).replace("id X;", "id FORGED1;")
                .getBytes(StandardCharsets.ISO_8859_1);
        ReportIntake.Outcome forged = intake.ingest(copied);
        assertThat(forged.counted()).isFalse();
        assertThat(forged.uncounted()).contains("no decision of ours has the reference FORGED1");
        ReportIntake.Outcome none = intake.ingestMessage("mallory@example.net", true,
                "From: a@elsewhere.example\r\nSubject: hi\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(none.uncounted()).startsWith("never seen: the message has no Received field of ours");
        // mallory's cap (2 a day) is spent on those two: a third report of real mail is kept, uncounted
        ReportIntake.Outcome third = intake.ingest(forward("mallory@example.net", "c2"));
        assertThat(third.uncounted()).isEqualTo("over the reporter's cap of 2 reports a day");
        assertThat(intake.ingest(forward("alice@example.net", "c3")).distinctReporters()).as("mallory's reports count for nothing").isEqualTo(1);
        assertThat(intake.ingest(forward("bob@example.net", "c4")).listed()).isNotNull();
        assertThat(reports.recent(10)).hasSize(5).extracting(ReportStore.Stored::counted).containsExactly(true, true, false, false, false);
        assertThat(reports.recent(10).get(4).ref()).isEqualTo("FORGED1");
    }

    @Test
    void aForwardCountsOnlyFromOurUsersAndAnAuthenticatedOneIsThatUsers() throws Exception {
        Database db = Databases.sqlite(dir);
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), new ListStore(db),
                () -> Lists.of(List.of(), Clock.systemUTC()), 3, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC())
                .localUsers(java.util.Set.of("example.net"));
        assertThat(intake.ingestMailed(forward("alice@example.net", "f1"), null, false).uncounted()).as("from outside, claiming alice")
                .startsWith("a forward from outside");
        assertThat(intake.ingestMailed(forward("alice@example.net", "f2"), null, true).counted()).as("through our trusted relay").isTrue();
        assertThat(intake.ingestMailed(forward("stranger@other.example", "f3"), null, true).counted()).as("not one of our users").isFalse();
        ReportIntake.Outcome auth = intake.ingestMailed(forward("whoever@other.example", "f4"), "bob@example.net", false);
        assertThat(auth.counted()).isTrue();
        assertThat(auth.report().reporter()).as("the authenticated user, whatever From says").isEqualTo("bob@example.net");
        assertThat(intake.ingestMailed(arf("fbl@provider.example", "f5", "abuse"), null, false).counted())
                .as("a feedback loop's ARF comes from outside by nature").isTrue();
    }

    @Test
    void withAListingReputationASourceOfWantedMailIsNotListedByAFewComplaints() throws Exception {
        Database db = Databases.sqlite(dir);
        java.util.Map<String, Long> reputation = new java.util.HashMap<>(java.util.Map.of("203.0.113.9", -40L));
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), new ListStore(db),
                () -> Lists.of(List.of(), Clock.systemUTC()), 2, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC())
                .requiringReputation(reputation::get, 20);
        intake.ingest(forward("alice@example.net", "r1"));
        ReportIntake.Outcome b = intake.ingest(forward("bob@example.net", "r2"));
        assertThat(b.distinctReporters()).isEqualTo(2);
        assertThat(b.listed()).as("two complaints against a reputation of -40").isNull();
        reputation.put("203.0.113.9", 35L);
        assertThat(intake.ingest(forward("carol@example.net", "r3")).listed()).isNotNull();
    }

    @Test
    void aWhitelistedSourceIsNotListed() throws Exception {
        Database db = Databases.sqlite(dir);
        ListStore lists = new ListStore(db);
        List<ListEntry> white = List.of(new ListEntry(0, ListEntry.Color.WHITE, ListEntry.Kind.IP, "203.0.113.0/24", "partner",
                "admin", Instant.now(), null));
        ReportIntake intake = new ReportIntake(new ReportParser(new Networks(List.of()), US), new ReportStore(db), lists,
                () -> Lists.of(white, Clock.systemUTC()), 1, Duration.ofDays(7), Duration.ofDays(30), Clock.systemUTC());
        assertThat(intake.ingest(forward("alice@example.net", "w1")).listed()).isNull();
    }

    static Stream<Path> samples() throws Exception {
        return Files.list(ARF).filter(p -> p.toString().endsWith(".eml"));
    }
}
