package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits over real SMTP with the shipped rules (15-rates.rules): each limit fires once its
 * count is past the maximum, with the reply the rule gives (421 closes the session), and stays
 * quiet below it, for trusted clients, and for other subjects.
 */
class RateLimitTest {
    @TempDir
    Path var;

    /** Where the state lives: this process's memory here, Redis in the subclass that runs the same cases. */
    String store() {
        return "";
    }

    GatewayHarness start(String limits) throws Exception {
        return GatewayHarness.withWiser(var, store() + "ratelimit: {limits: {" + limits + "}}\n");
    }

    /** One message; returns the reply to RCPT when it is refused, else to the end of data. */
    @Test
    void messagesPerClientFireAfterTheMaximumAndSpareTrustedClients() throws Exception {
        try (GatewayHarness gw = start("client.messages: 3/1h")) {
            for (int i = 0; i < 3; i++) {
                assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            }
            String over = gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi");
            assertThat(over).startsWith("450 4.7.1 Too many messages from 127.0.0.1 (4 lately), try again later [ref ");
            assertThat(gw.downstream().getMessages()).hasSize(3);
            // another client, and a trusted one, are not held back by 127.0.0.1's count
            assertThat(gw.message("127.0.0.3", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            for (int i = 0; i < 4; i++) {
                assertThat(gw.message("127.0.0.2", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            }
            assertThat(gw.awaitDecisions(9)).anySatisfy(l -> assertThat(l).contains("\"decided_by\":\"rate-client-messages\"",
                    "\"rate.client.messages.count\":4", "\"rate.client.messages.over\":true"));
        }
    }

    @Test
    void tooManyConnectionsGet421AndTheSessionIsClosed() throws Exception {
        try (GatewayHarness gw = start("client.connections: 2/1m")) {
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                assertThat(c.send("RCPT TO:<u@example.net>", 421)).startsWith("421 4.7.0 Too many connections from 127.0.0.1 (3 lately)");
                assertThat(c.closedByPeer()).isTrue();
            }
            assertThat(gw.message("127.0.0.4", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
        }
    }

    @Test
    void aDictionaryAttackIsCutOffAfterTooManyRefusedRecipients() throws Exception {
        try (GatewayHarness gw = start("client.refused_recipients: 3/10m");
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            for (int i = 0; i < 4; i++) {
                c.send("RCPT TO:<guess" + i + "@elsewhere.com>", 550);
            }
            // past three refusals even a recipient of ours is refused, and the session ends
            assertThat(c.send("RCPT TO:<u@example.net>", 421)).startsWith("421 4.7.0 Too many refused recipients from 127.0.0.1");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void messagesPerRecipientAndBytesPerClientHaveTheirOwnCounts() throws Exception {
        try (GatewayHarness gw = start("recipient.messages: 2/1h, client.bytes: 4K/1h")) {
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi"))
                    .startsWith("450 4.7.1 Too many messages for u@example.net right now");
            assertThat(gw.message("127.0.0.1", "a@other.org", "v@example.net", "hi")).startsWith("250 ");
            String big = "x".repeat(70) + "\r\n";
            assertThat(gw.message("127.0.0.1", "a@other.org", "w@example.net", big.repeat(60)))
                    .startsWith("450 4.7.1 Too much mail from 127.0.0.1 lately");
            assertThat(gw.downstream().getMessages()).hasSize(3);
        }
    }

    @Test
    void aFloodForgingASenderDomainDoesNotUseUpThatDomainsLimitOnlyDeliveredMailDoes() throws Exception {
        try (GatewayHarness gw = start("client.messages: 2/1h, sender_domain.messages: 3/1h")) {
            for (int i = 0; i < 6; i++) {
                String r = gw.message("127.0.0.1", "news@shop.example", "u@example.net", "hi");
                assertThat(r).startsWith(i < 2 ? "250 " : "450 4.7.1 Too many messages from 127.0.0.1");
            }
            // two delivered, four refused attempts: another client of shop.example has one left
            assertThat(gw.message("127.0.0.3", "news@shop.example", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.message("127.0.0.3", "news@shop.example", "u@example.net", "hi"))
                    .startsWith("450 4.7.1 Too many messages from shop.example right now");
        }
    }

    @Test
    void withTheDefaultLimitsANormalClientIsNeverHeldBack() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, store())) {
            for (int i = 0; i < 30; i++) {
                assertThat(gw.message("127.0.0.1", "a" + i + "@other.org", "u" + (i % 5) + "@example.net", "hi")).startsWith("250 ");
            }
        }
    }
}
