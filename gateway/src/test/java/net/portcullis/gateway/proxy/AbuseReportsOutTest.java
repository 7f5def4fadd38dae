package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.dns.NsdServer;
import net.portcullis.policy.reports.AbuseReportStore;
import net.portcullis.policy.reports.ReportParser;
import net.portcullis.policy.reports.SpamReport;
import net.portcullis.rules.Networks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * Networks hear back, end to end: mail delivered through the gateway, reported by three users
 * each, lists its sources; the next round sends one ARF report per source to the abuse contact
 * found by the contact zone (a real NSD), RDAP (a small server giving a canned RFC 9083 answer)
 * or the PTR name, through the downstream (the capture sink). The reports parse back with our
 * own ARF parser and carry none of our users' addresses; an opted-out network gets nothing.
 */
class AbuseReportsOutTest {
    /** What ARIN or RIPE answers for an address (RFC 9083 5.4, trimmed): the abuse entity is nested in the registrant. */
    static final String RDAP = """
            {"rdapConformance": ["rdap_level_0"], "objectClassName": "ip network", "handle": "NET-127-0-0-0-1",
             "startAddress": "127.0.0.0", "endAddress": "127.0.0.255", "ipVersion": "v4",
             "entities": [{"objectClassName": "entity", "handle": "NETA", "roles": ["registrant"],
               "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Net A Hosting"]]],
               "entities": [{"objectClassName": "entity", "handle": "ABUSE-A", "roles": ["abuse"],
                 "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse desk"],
                   ["email", {}, "text", "abuse@net-a.example"]]]}]}]}
            """;

    @TempDir
    Path tmp;

    @Test
    void confirmedSourcesAreReportedToTheirNetworksRedactedAndRecorded() throws Exception {
        Path zone = Files.writeString(tmp.resolve("contacts.zone"), """
                $ORIGIN abuse-contacts.portcullis.test.
                $TTL 300
                @ IN SOA ns.portcullis.test. hostmaster.portcullis.test. 1 3600 600 86400 300
                @ IN NS ns.portcullis.test.
                10.0.0.127 IN TXT "abuse@net-b.example"
                """);
        HttpServer rdap = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rdap.createContext("/ip/", ex -> {
            byte[] body = ex.getRequestURI().getPath().equals("/ip/127.0.0.9") ? RDAP.getBytes(StandardCharsets.UTF_8)
                    : "{\"errorCode\": 404}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/rdap+json");
            ex.sendResponseHeaders(body.length > 20 ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        rdap.start();
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (NsdServer nsd = new NsdServer(Files.createDirectories(tmp.resolve("nsd")), Map.of("abuse-contacts.portcullis.test", zone))) {
            InMemoryDns rest = new InMemoryDns().add("12.0.0.127.in-addr.arpa", "PTR", "mail.customer.net-c.example");
            var dns = new BlacklistEndToEndTest.Routing(".abuse-contacts.portcullis.test",
                    new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2)), rest);
            String yaml = "reports: {reporters: 3, outgoing: {enabled: true, contact_zone: abuse-contacts.portcullis.test, rdap: [\"http://127.0.0.1:"
                    + rdap.getAddress().getPort() + "/\"], opt_out: [127.0.0.13/32], every: 1h}}\n";
            try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), Files.createDirectories(tmp.resolve("gw")), yaml, dns)) {
                for (String source : List.of("127.0.0.9", "127.0.0.10", "127.0.0.12", "127.0.0.13")) {
                    assertThat(gw.message(source, "deals@spam.example", "alice@example.net", "cheap pills from " + source)).startsWith("250 ");
                    byte[] delivered = downstream.getMessages().get(downstream.getMessages().size() - 1).getData();
                    for (String user : List.of("alice@example.net", "bob@example.net", "carol@example.net")) {
                        gw.gateway.reportIntake().ingestMessage(user, true, delivered);
                    }
                }
                int delivered = downstream.getMessages().size();
                assertThat(gw.gateway.sendAbuseReports()).isEqualTo(3);
                List<WiserMessage> out = downstream.getMessages().subList(delivered, downstream.getMessages().size());
                assertThat(out).extracting(WiserMessage::getEnvelopeReceiver)
                        .containsExactlyInAnyOrder("abuse@net-a.example", "abuse@net-b.example", "abuse@net-c.example");
                ReportParser ours = new ReportParser(new Networks(List.of()), java.util.Set.of("elsewhere.example"));
                for (WiserMessage m : out) {
                    String text = new String(m.getData(), StandardCharsets.ISO_8859_1);
                    assertThat(text).as("no user's address leaves us").doesNotContain("alice@", "bob@", "carol@")
                            .contains("Feedback-Type: abuse", "Incidents: 3", "redacted@example.net", "From: deals@spam.example");
                    SpamReport back = ours.parse(m.getData());
                    assertThat(back.feedbackType()).isEqualTo("abuse");
                    assertThat(back.sourceIp()).isIn("127.0.0.9", "127.0.0.10", "127.0.0.12");
                    assertThat(m.getEnvelopeSender()).isEqualTo("abuse@mx.example.net");
                }
                var recorded = new AbuseReportStore(gw.gateway.listStore().database()).recent(10);
                assertThat(recorded).extracting(o -> o.sourceIp() + " " + o.state() + " " + (o.via() == null ? "-" : o.via()))
                        .containsExactlyInAnyOrder("127.0.0.9 sent rdap", "127.0.0.10 sent zone", "127.0.0.12 sent ptr", "127.0.0.13 opted-out -");
                assertThat(gw.gateway.sendAbuseReports()).as("nothing owed twice").isZero();
            }
        } finally {
            rdap.stop(0);
            downstream.stop();
        }
    }
}
