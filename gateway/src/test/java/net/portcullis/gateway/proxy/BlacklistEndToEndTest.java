package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * The blacklist published and used for real: entries exported in rbldnsd format, served by
 * Debian's rbldnsd on a loopback port, looked up by the gateway's DNSBL check, and a listed
 * client refused; spam reports taken in by mail.
 */
class BlacklistEndToEndTest {
    @TempDir
    Path tmp;

    /** DNSBL names go to the real rbldnsd; everything else to the in-memory zone of the harness. */
    record Routing(String suffix, Dns list, Dns rest) implements Dns {
        public DnsAnswer ptr(InetAddress a) {
            return rest.ptr(a);
        }

        public DnsAnswer lookup(String name, String type) {
            return name.toLowerCase().endsWith(suffix) ? list.lookup(name, type) : rest.lookup(name, type);
        }
    }

    @Test
    void anExportedListServedByRbldnsdRefusesTheListedClient() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        Rbldnsd rbldnsd = null;
        try {
            // 1. list 127.0.0.1 in a store and export the list as rbldnsd would serve it
            Path storeDir = Files.createDirectories(tmp.resolve("export"));
            String storeYaml = "store: {url: \"jdbc:sqlite:" + storeDir.resolve("lists.db") + "\"}";
            String exported;
            try (GatewayHarness exporter = new GatewayHarness(GatewayHarness.port(downstream), storeDir, storeYaml)) {
                exporter.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, "127.0.0.1",
                        "spam reports from 3 users", "reports", Instant.now(), null));
                exporter.gateway.listStore().put(new ListEntry(0, ListEntry.Color.WHITE, ListEntry.Kind.IP, "127.0.0.5",
                        "partner", "admin", Instant.now(), null));
                exported = net.portcullis.gateway.cli.ExportAccess.rbldnsd(exporter.gateway.listStore().all());
            }
            // 2. serve it with rbldnsd on loopback
            rbldnsd = new Rbldnsd(tmp, Map.of("bl.portcullis.test", "ip4set:" + exported), "1.0.0.127.bl.portcullis.test");
            DnsJavaResolver real = rbldnsd.resolver;
            assertThat(real.lookup("1.0.0.127.bl.portcullis.test", "A").values()).containsExactly("127.0.0.2");
            assertThat(real.lookup("5.0.0.127.bl.portcullis.test", "A").status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);

            // 3. a gateway that uses it as its DNSBL refuses the listed client
            InMemoryDns rest = new InMemoryDns().add("1.0.0.127.in-addr.arpa", "PTR", "localhost");
            Path gwDir = Files.createDirectories(tmp.resolve("gw"));
            try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), gwDir,
                    "dnsbl: {zones: [{zone: bl.portcullis.test}]}", new Routing(".bl.portcullis.test", real, rest));
                 SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                String r = c.send("RCPT TO:<user@example.net>", 554);
                assertThat(r).startsWith("554 5.7.1 Client host 127.0.0.1 is listed by bl.portcullis.test: spam reports from 3 users [ref ");
            }
        } finally {
            if (rbldnsd != null) {
                rbldnsd.close();
            }
            downstream.stop();
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void spamReportsSentToTheReportAddressAreTakenInAndListTheSource() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        // the reported message is made up, never passed by this gateway: with the decision log
        // not stored, our Received field in it is taken at its word (ReportApiTest: when stored)
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp,
                "reports: {address: spam-reports@example.net, reporters: 1}\nstore: {refresh: 100ms}\nlog: {store: false}")) {
            String original = "Received: from spam.example ([203.0.113.9]) by mx.example.net (Portcullis) with ESMTP id X;"
                    + " Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam.example\r\nMessage-ID: <r1@spam.example>\r\n\r\nbuy\r\n";
            String report = "From: alice@example.net\r\nTo: spam-reports@example.net\r\nSubject: spam\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + original
                    + "\r\n--b--\r\n";
            // a user's forward counts only from our own users: here through our trusted relay (127.0.0.2)
            try (SmtpTestClient outside = new SmtpTestClient(gw.port())) {
                outside.expect(220);
                outside.send("EHLO mail.other.org", 250);
                outside.send("MAIL FROM:<alice@example.net>", 250);
                outside.send("RCPT TO:<spam-reports@example.net>", 250);
                outside.send("DATA", 354);
                outside.write(report.replace("r1@spam.example", "r0@spam.example") + ".\r\n");
                assertThat(outside.expect(250)).as("kept, never lost, but not counted").startsWith("250 2.0.0 Report accepted");
            }
            assertThat(gw.gateway.listStore().all()).as("a forward from outside claiming to be alice").isEmpty();
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.2", gw.port())) {
                c.expect(220);
                c.send("EHLO mail.example.net", 250);
                c.send("MAIL FROM:<alice@example.net>", 250);
                c.send("RCPT TO:<spam-reports@example.net>", 250);
                assertThat(c.send("RCPT TO:<user@example.net>", 452)).contains("Send spam reports in a transaction of their own");
                c.send("DATA", 354);
                c.write(report + ".\r\n");
                assertThat(c.expect(250)).startsWith("250 2.0.0 Report accepted");
                c.send("MAIL FROM:<alice@example.net>", 250);
                c.send("RCPT TO:<spam-reports@example.net>", 250);
                c.send("DATA", 354);
                c.write("From: alice@example.net\r\nSubject: no attachment\r\n\r\njust text\r\n.\r\n");
                assertThat(c.expect(550)).startsWith("550 5.6.0 Report refused: no reported message attached");
            }
            assertThat(downstream.getMessages()).as("reports are never relayed").isEmpty();
            assertThat(gw.gateway.listStore().all()).extracting(ListEntry::value).containsExactly("203.0.113.9");
            Eventually.within(Duration.ofSeconds(5), () -> gw.gateway.lists().get().black().ip(InetAddress.getByName("203.0.113.9")).isPresent());
            assertThat(gw.gateway.lists().get().black().ip(InetAddress.getByName("203.0.113.9"))).isPresent();
        } finally {
            downstream.stop();
        }
    }
}
