package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import net.portcullis.policy.dns.NsdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * Domain owners learn of forgeries: mail from a domain with p=reject and rua=, one message
 * authenticated and one forged, becomes an aggregate report sent through the downstream to the
 * rua addresses that pass the external-destination check, valid against RFC 7489's schema, sent
 * once; `portcullis dmarc report --dry-run` shows the same report, asking a real DNS server (NSD).
 */
class DmarcReportsTest {
    static final Path XSD = Path.of("../policy/src/test/resources/dmarc/rfc7489-aggregate.xsd");
    static final String RECORD = "v=DMARC1; p=reject; rua=mailto:dmarc@bank.example,mailto:agg@reports.example,mailto:x@unauthorized.example;"
            + " ruf=mailto:forensic@bank.example";

    @TempDir
    Path var;

    static String send(GatewayHarness gw, String from, String sender, int code) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(from, gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            return c.deliver(sender, "user@example.net", "From: " + sender + "\r\nTo: user@example.net\r\nSubject: statement\r\n"
                    + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + from + "@bank.example>\r\n\r\nyour statement\r\n", code);
        }
    }

    @Test
    void aDaysDecisionsBecomeOneValidReportPerPolicyDomainSentOnceToTheDestinationsThatPass() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), var,
                "reports: {dmarc: {enabled: true, org_name: Portcullis Test}}")) {
            gw.dns.add("bank.example", "TXT", "v=spf1 ip4:127.0.0.5 -all").add("client.other.org", "A", "127.0.0.5")
                    .add("_dmarc.bank.example", "TXT", RECORD).add("bank.example._report._dmarc.reports.example", "TXT", "v=DMARC1");
            assertThat(send(gw, "127.0.0.5", "news@bank.example", 250)).startsWith("250 ");
            assertThat(send(gw, "127.0.0.9", "service@bank.example", 550)).contains("DMARC policy is reject");
            DecisionStoreEndToEndTest.awaitStored(gw, 2);
            Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);

            assertThat(gw.gateway.sendDmarcReports(today)).isEqualTo(1);
            WiserMessage[] sent = downstream.getMessages().stream().filter(m -> m.getEnvelopeSender().startsWith("dmarc-reports@"))
                    .toArray(WiserMessage[]::new);
            assertThat(sent).extracting(WiserMessage::getEnvelopeReceiver).containsExactlyInAnyOrder("dmarc@bank.example", "agg@reports.example");
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(sent[0].getData()));
            assertThat(m.getSubject()).isEqualTo("Report Domain: bank.example Submitter: Portcullis Test Report-ID: <Portcullis-Test.bank.example."
                    + today.toString().substring(0, 10).replace("-", "") + ">");
            Part gz = ((Multipart) m.getContent()).getBodyPart(1);
            assertThat(gz.getFileName()).isEqualTo("Portcullis Test!bank.example!" + today.getEpochSecond() + "!" + (today.getEpochSecond() + 86399)
                    + ".xml.gz");
            String xml = new String(new GZIPInputStream(gz.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
            SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(XSD.toFile()).newValidator()
                    .validate(new StreamSource(new StringReader(xml)));
            assertThat(xml).contains("<source_ip>127.0.0.5</source_ip><count>1</count><policy_evaluated><disposition>none</disposition>"
                    + "<dkim>fail</dkim><spf>pass</spf>", "<source_ip>127.0.0.9</source_ip><count>1</count><policy_evaluated>"
                    + "<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf>", "<p>reject</p>").doesNotContain("forensic");
            assertThat(gw.gateway.sendDmarcReports(today)).as("never twice").isZero();

            // the same day, as the tool shows it, with the records served by NSD
            Path zones = Files.createDirectories(var.resolve("zones"));
            String soa = "$TTL 300\n@ IN SOA ns.portcullis.test. hostmaster.portcullis.test. 1 3600 600 86400 300\n@ IN NS ns.portcullis.test.\n";
            Path bank = Files.writeString(zones.resolve("bank.zone"), "$ORIGIN bank.example.\n" + soa + "_dmarc IN TXT \"" + RECORD + "\"\n");
            Path reports = Files.writeString(zones.resolve("reports.zone"), "$ORIGIN reports.example.\n" + soa
                    + "bank.example._report._dmarc IN TXT \"v=DMARC1\"\n");
            try (NsdServer nsd = new NsdServer(Files.createDirectories(var.resolve("nsd")), Map.of("bank.example", bank, "reports.example", reports))) {
                Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:"
                        + GatewayHarness.port(downstream) + "\ndomains: [example.net]\nvar_dir: " + var + "\n"
                        + "dns: {servers: [\"127.0.0.1:" + nsd.address().getPort() + "\"]}\n"
                        + "reports: {dmarc: {org_name: Portcullis Test}}\n");
                var dry = DecisionStoreEndToEndTest.cli("dmarc", "report", "--dry-run", "--date", today.toString().substring(0, 10),
                        "--config", conf.toString());
                assertThat(dry.exit()).as(dry.err()).isZero();
                assertThat(dry.out()).contains("# bank.example: 2 message(s)", "(sent already)", "# to dmarc@bank.example",
                        "# to agg@reports.example", "# not to x@unauthorized.example: outside bank.example", "<source_ip>127.0.0.9</source_ip>");
                assertThat(downstream.getMessages()).as("a dry run sends nothing").hasSize(3);
            }
        } finally {
            downstream.stop();
        }
    }
}
