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
}
