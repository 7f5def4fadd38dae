package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * The content checks over SMTP against their real components: links in the body looked up in a
 * domain list served by Debian's rbldnsd, as an operator would serve a local copy of a URIBL.
 */
class ContentEndToEndTest {
    @TempDir
    Path tmp;

    private static final String PHISH = "From: alice@other.org\r\nTo: u@example.net\r\nSubject: your account\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the HTML part.\r\n"
            + "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(
                    "<p>Please <a href=\"https://secure.bank-login.example/verify\">log in</a></p>".getBytes())
            + "\r\n--b--\r\n";

    @Test
    void aLinkToADomainRbldnsdListsIsRefusedForEveryRecipientAndOtherMailIsDelivered() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (Rbldnsd lists = new Rbldnsd(tmp, Map.of("dbl.portcullis.test",
                "dnset:bank-login.example :127.0.1.4:phishing site\n.casino.example :127.0.1.2:spam domain\n"),
                "bank-login.example.dbl.portcullis.test");
             GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("gw"),
                     "uribl: {zones: [{zone: dbl.portcullis.test, codes: {\"127.0.1.2\": spam domain, \"127.0.1.4\": phishing domain}}]}",
                     new BlacklistEndToEndTest.Routing(".dbl.portcullis.test", lists.resolver, new InMemoryDns()));
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<alice@other.org>", 250);
            c.send("RCPT TO:<u@example.net>", 250);
            c.send("RCPT TO:<v@example.net>", 250);
            c.send("DATA", 354);
            c.write(PHISH + ".\r\n");
            assertThat(c.expect(554)).startsWith("554 5.7.1 Message refused: it links to bank-login.example, which dbl.portcullis.test lists");

            c.send("MAIL FROM:<alice@other.org>", 250);
            c.send("RCPT TO:<u@example.net>", 250);
            c.send("DATA", 354);
            c.write("From: alice@other.org\r\nSubject: odds\r\n\r\nplay at http://www.lucky.casino.example/ now\r\n.\r\n");
            assertThat(c.expect(554)).contains("it links to casino.example");

            c.send("MAIL FROM:<alice@other.org>", 250);
            c.send("RCPT TO:<u@example.net>", 250);
            c.send("RCPT TO:<v@example.net>", 250);
            c.send("DATA", 354);
            c.write("From: alice@other.org\r\nSubject: minutes\r\n\r\nnotes at https://wiki.other.org/minutes\r\n.\r\n");
            c.expect(250);
            assertThat(gw.awaitDecisions(3).get(2)).contains("\"uribl.listed\":false").contains("\"uribl.domains\":1");
        } finally {
            downstream.stop();
        }
        assertThat(downstream.getMessages()).hasSize(2).allMatch(m -> m.toString().contains("minutes")
                || new String(m.getData()).contains("minutes"));
    }

    private static String send(SmtpTestClient c, String message, String... rcpts) throws Exception {
        c.send("MAIL FROM:<alice@other.org>", 250);
        for (String r : rcpts) {
            c.send("RCPT TO:<" + r + ">", 250);
        }
        c.send("DATA", 354);
        c.write(message + ".\r\n");
        return c.read().get(0);
    }

    @Test
    void clamdRefusesMalwareOverSmtpAndWhileNoClamdAnswersMailWaits() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        String eicar = net.portcullis.policy.av.ClamdServer.EICAR;
        String forwarded = "From: b@other.org\r\nSubject: Fwd: invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n"
                + "--f\r\nContent-Type: text/plain\r\n\r\nforwarding\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n"
                + "From: c@third.example\r\nSubject: invoice\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream; name=\"x.com\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getEncoder().encodeToString(eicar.getBytes()) + "\r\n--f--\r\n";
        String big = "From: b@other.org\r\nSubject: big\r\n\r\n" + ("0123456789".repeat(10) + "\r\n").repeat(30_000);
        try {
            try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("av"),
                    "antivirus: {servers: [\"" + net.portcullis.policy.av.ClamdServer.shared().address() + "\"]}");
                 SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                assertThat(send(c, forwarded, "u@example.net", "v@example.net"))
                        .startsWith("554 5.7.1 Message refused: it carries malware (Eicar-Test-Signature");
                // past clamd's StreamMaxLength (2M here): not scanned, the shipped rule scores it and it is delivered
                assertThat(send(c, big, "u@example.net")).startsWith("250 ");
                assertThat(gw.awaitDecisions(2).get(1)).contains("\"av.too_big\":true");
            }
            try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("av-down"),
                    "antivirus: {servers: [\"127.0.0.1:" + net.portcullis.policy.av.ClamdServer.deadPort() + "\"], timeout: 2s}");
                 SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                assertThat(send(c, "From: b@other.org\r\nSubject: plain\r\n\r\nhello\r\n", "u@example.net", "v@example.net"))
                        .startsWith("451 4.7.1 Virus scanner unavailable");
            }
        } finally {
            downstream.stop();
        }
        assertThat(downstream.getMessages()).hasSize(1);
        assertThat(new String(downstream.getMessages().get(0).getData())).contains("Subject: big");
    }

    /** Our link list exported as a second rbldnsd zone and used by another gateway as its URIBL, as another provider would. */
    @Test
    void theExportedLinkListServedByRbldnsdIsAUriblForOtherProviders() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        java.time.Instant now = java.time.Instant.now();
        String zone = net.portcullis.gateway.cli.ExportAccess.rbldnsdLinks(java.util.List.of(
                new net.portcullis.policy.store.ListEntry(1, net.portcullis.policy.store.ListEntry.Color.BLACK,
                        net.portcullis.policy.store.ListEntry.Kind.LINK, "pills.example", "advertised in messages reported by 5 users",
                        "reports", now, null),
                new net.portcullis.policy.store.ListEntry(2, net.portcullis.policy.store.ListEntry.Color.BLACK,
                        net.portcullis.policy.store.ListEntry.Kind.IP, "203.0.113.9", "an address: not in this zone", "reports", now, null)));
        assertThat(zone).contains("pills.example :127.0.0.2:").doesNotContain("203.0.113.9");
        try (Rbldnsd lists = new Rbldnsd(tmp, Map.of("links.portcullis.test", "dnset:" + zone), "pills.example.links.portcullis.test");
             GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("other"),
                     "uribl: {zones: [{zone: links.portcullis.test}]}",
                     new BlacklistEndToEndTest.Routing(".links.portcullis.test", lists.resolver, new InMemoryDns()));
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            assertThat(lists.resolver.lookup("www.pills.example.links.portcullis.test", "A").values()).containsExactly("127.0.0.2");
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            assertThat(send(c, "From: b@other.org\r\nSubject: pills\r\n\r\nhttps://www.pills.example/buy\r\n", "u@example.net"))
                    .startsWith("554 5.7.1 Message refused: it links to pills.example, which links.portcullis.test lists");
        } finally {
            downstream.stop();
        }
    }
}
