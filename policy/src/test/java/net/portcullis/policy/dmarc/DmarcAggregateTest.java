package net.portcullis.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;

/** Aggregate reports from decision records: rows, alignment, and the XML against RFC 7489's schema. */
class DmarcAggregateTest {
    static final Path XSD = Path.of("src/test/resources/dmarc/rfc7489-aggregate.xsd");

    static Map<String, Object> decision(String client, String verdict, String sender, Map<String, Object> signals) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("event", "transaction");
        m.put("client", client);
        m.put("verdict", verdict);
        m.put("sender", sender);
        m.put("signals", signals);
        return m;
    }

    static Map<String, Object> signals(String dmarc, String from, String spf, String spfDomain, String dkim, String dkimDomains) {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("dmarc.result", dmarc);
        s.put("dmarc.domain", from);
        s.put("spf.result", spf);
        s.put("spf.domain", spfDomain);
        s.put("dkim.result", dkim);
        s.put("dkim.domains", dkimDomains);
        s.put("dmarc.sampled", true);
        return s;
    }

    static void validate(String xml) throws Exception {
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(XSD.toFile()).newValidator()
                .validate(new StreamSource(new StringReader(xml)));
    }

    @Test
    void messagesBecomeRowsWithTheirAlignmentAndTheReportValidatesAgainstTheSchema() throws Exception {
        List<DmarcAggregate.Message> ms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ms.add(DmarcAggregate.message(decision("192.0.2.1", "accepted", "news@mail.bank.example",
                    signals("pass", "bank.example", "pass", "mail.bank.example", "pass", "bank.example"))));
        }
        ms.add(DmarcAggregate.message(decision("203.0.113.9", "rejected", "x@forger.example",
                signals("fail", "bank.example", "pass", "forger.example", "fail", ""))));
        ms.add(DmarcAggregate.message(decision("2001:db8::25", "held", "y@bank.example",
                signals("fail", "bank.example", "softfail", "bank.example", "none", ""))));
        assertThat(DmarcAggregate.message(decision("192.0.2.1", "accepted", "a@b.example", signals("none", "b.example", "none", null, "none", ""))))
                .as("no DMARC record: not reported").isNull();
        Map<String, Object> unavailable = signals("pass", "bank.example", "pass", "x", "pass", "x");
        unavailable.put("dmarc.result", Map.of("unavailable", "DNS timeout"));
        assertThat(DmarcAggregate.message(decision("192.0.2.1", "accepted", "a@b.example", unavailable))).isNull();
        assertThat(DmarcAggregate.message(decision("192.0.2.1", "tempfailed", "a@b.example", signals("pass", "b.example", "pass", "b.example", "none", ""))))
                .as("not decided for good").isNull();

        var relaxed = new DmarcAggregate.Published("bank.example", "r", "r", "reject", "reject", 100, "0");
        Map<DmarcAggregate.Row, Integer> rows = DmarcAggregate.rows(ms, relaxed);
        assertThat(rows).hasSize(3);
        var first = rows.entrySet().stream().filter(e -> e.getKey().sourceIp().equals("192.0.2.1")).findFirst().orElseThrow();
        assertThat(first.getValue()).isEqualTo(3);
        assertThat(first.getKey().dkimAligned()).isTrue();
        assertThat(first.getKey().spfAligned()).as("mail.bank.example is aligned, relaxed").isTrue();
        var strict = DmarcAggregate.rows(ms, new DmarcAggregate.Published("bank.example", "s", "s", "reject", "reject", 100, "0"));
        assertThat(strict.keySet().stream().filter(r -> r.sourceIp().equals("192.0.2.1")).findFirst().orElseThrow().spfAligned())
                .as("strict: mail.bank.example is not bank.example").isFalse();

        String xml = DmarcAggregate.xml(new DmarcAggregate.Report("mx.example.net", "dmarc-reports@mx.example.net", "mx.example.net!bank.example!1",
                Instant.parse("2026-12-03T00:00:00Z"), Instant.parse("2026-12-04T00:00:00Z"), relaxed, rows));
        validate(xml);
        assertThat(xml).contains("<version>1.0</version>", "<begin>1796256000</begin>", "<disposition>quarantine</disposition>",
                "<source_ip>2001:db8:0:0:0:0:0:25</source_ip>", "<scope>mfrom</scope>", "<count>3</count>");
    }

    @Test
    void theSchemaRefusesAReportItsTypesDoNotAllow() {
        String bad = "<?xml version=\"1.0\"?><feedback><version>1.0</version><report_metadata><org_name>x</org_name></report_metadata></feedback>";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> validate(bad)).hasMessageContaining("email");
    }

    @Test
    void destinationsAreTheRuaAddressesWithExternalOnesAuthorizedAndRufIgnored() {
        InMemoryDns dns = new InMemoryDns()
                .add("_dmarc.bank.example", "TXT", "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@bank.example,mailto:agg@reports.example!10m,"
                        + "mailto:x@unauthorized.example, https://bank.example/r; ruf=mailto:forensic@bank.example")
                .add("bank.example._report._dmarc.reports.example", "TXT", "v=DMARC1");
        ReportDestinations.Found f = ReportDestinations.of(dns, "mail.bank.example");
        assertThat(f.published().domain()).as("found at the organizational domain").isEqualTo("bank.example");
        assertThat(f.published().adkim()).isEqualTo("s");
        assertThat(f.published().sp()).as("sp defaults to p").isEqualTo("reject");
        assertThat(f.destinations()).containsExactly(new ReportDestinations.Destination("dmarc@bank.example", Long.MAX_VALUE),
                new ReportDestinations.Destination("agg@reports.example", 10L << 20));
        assertThat(f.refused()).extracting(ReportDestinations.Refused::address).containsExactly("x@unauthorized.example", "https://bank.example/r");
        assertThat(f.toString()).doesNotContain("forensic@");
        assertThat(ReportDestinations.of(new InMemoryDns(), "nodmarc.example").published()).isNull();
        assertThat(ReportDestinations.size("99999999999999t")).isEqualTo(Long.MAX_VALUE);
    }
}
