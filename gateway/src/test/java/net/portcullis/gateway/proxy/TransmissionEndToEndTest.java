package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** The transmission checks over SMTP: HELO refusals that stick, Authentication-Results, DMARC. */
class TransmissionEndToEndTest {
    @TempDir
    Path var;
    Wiser downstream;
    GatewayHarness gw;

    @BeforeEach
    void start() throws Exception {
        downstream = GatewayHarness.wiser((f, r) -> true);
        gw = new GatewayHarness(GatewayHarness.port(downstream), var, null);
        gw.dns.add("other.org", "TXT", "v=spf1 ip4:127.0.0.0/8 -all")
                .add("client.other.org", "A", "127.0.0.1")
                .add("_dmarc.bankco.com", "TXT", "v=DMARC1; p=reject");
    }

    @AfterEach
    void stop() {
        gw.close();
        downstream.stop();
    }

    @Test
    void aClientRefusedForItsHeloIsNotLetThroughByAnotherHelo() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO mx.example.net", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<user@example.net>", 550)).startsWith("550 5.7.1 HELO mx.example.net claims to be this server");
            c.send("RSET", 250);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<user@example.net>", 550)).startsWith("550 5.7.1 HELO mx.example.net claims to be this server");
        }
        assertThat(downstream.getMessages()).isEmpty();
        assertThat(gw.awaitDecisions(2).get(1)).contains("refused earlier in this session");
    }

    @Test
    void ourAuthenticationResultsIsAddedAndAForgedOneUnderOurNameRemoved() throws Exception {
        String msg = "Authentication-Results: mx.example.net; dkim=pass header.d=bankco.com\r\n"
                + "Authentication-Results: other.example; spf=pass\r\n"
                + "From: a@other.org\r\nTo: user@example.net\r\nSubject: s\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <1@other.org>\r\n\r\nbody\r\n";
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("a@other.org", "user@example.net", msg, 250);
        }
        String data = new String(downstream.getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
        assertThat(data).contains("Authentication-Results: mx.example.net;\r\n\tspf=pass smtp.mailfrom=other.org;\r\n\tdkim=none;\r\n\t"
                + "dmarc=none header.from=other.org\r\n");
        assertThat(data).doesNotContain("dkim=pass header.d=bankco.com");
        assertThat(data).contains("Authentication-Results: other.example; spf=pass\r\nFrom: a@other.org");
    }

    @Test
    void aHeaderPastWhatTheChecksReadIsRefusedSoNothingForgedPassesBehindTheCut() throws Exception {
        String filler = ("X-Filler: " + "x".repeat(900) + "\r\n").repeat(300); // ≈ 273 KB
        String msg = "From: a@other.org\r\nSubject: s\r\n" + filler + "Authentication-Results: mx.example.net; dkim=pass header.d=bankco.com\r\n"
                + "\r\nbody\r\n";
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            assertThat(c.deliver("a@other.org", "user@example.net", msg, 552))
                    .startsWith("552 5.3.4 Message header exceeds fixed maximum size of 256 KB [ref ");
        }
        assertThat(downstream.getMessages()).isEmpty();
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"decided_by\":\"limits.header_size\"");
    }

    @Test
    void aDmarcRejectDomainsForgedMailIsRefusedAtTheEndOfData() throws Exception {
        String msg = "From: Bank <service@bankco.com>\r\nTo: user@example.net\r\nSubject: verify your account\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@other.org>\r\n\r\nclick\r\n";
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            String r = c.deliver("a@other.org", "user@example.net", msg, 550);
            assertThat(r).startsWith("550 5.7.26 Unauthenticated mail from bankco.com is refused: the domain's DMARC policy is reject [ref ");
        }
        assertThat(downstream.getMessages()).isEmpty();
    }
}
