package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postscreen's pipelining and bare-newline tests over real SMTP, with the shipped
 * 13-protocol.rules: a bot that fires its whole dialogue at once is refused at the end of data;
 * a client that pipelines as RFC 2920 allows, or waits for every reply, is not; a bare LF in
 * commands is accepted and scored; trusted clients are exempt.
 */
class ProtocolTest {
    @TempDir
    Path var;

    private static final String MESSAGE = "From: a@other.org\r\nSubject: hi\r\n\r\nhello\r\n.\r\n";

    @Test
    void aBotThatSendsItsMessageBeforeThe354IsRefusedInThatTransaction() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO bot.other.org", 250);
            c.write("MAIL FROM:<a@other.org>\r\nRCPT TO:<u@example.net>\r\nDATA\r\n" + MESSAGE);
            c.expect(250);
            c.expect(250);
            c.expect(354);
            assertThat(c.reply()).startsWith("550 5.5.1 Protocol error: commands sent before our reply, see RFC 2920 [ref ");
            assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains(
                    "\"decided_by\":\"pipelining-without-waiting\"", "\"client.pipelining\":true"));
            assertThat(gw.downstream().getMessages()).isEmpty();
        }
    }

    @Test
    void pipeliningEhloWithTheRestIsAViolation() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.write("EHLO bot.other.org\r\nMAIL FROM:<a@other.org>\r\nRCPT TO:<u@example.net>\r\n");
            c.expect(250);
            c.expect(250);
            c.expect(250);
            c.send("DATA", 354);
            c.write(MESSAGE);
            assertThat(c.reply()).startsWith("550 5.5.1 Protocol error");
        }
    }

    @Test
    void afterHeloEveryCommandMustWaitForItsReply() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("HELO bot.other.org", 250);
            c.write("MAIL FROM:<a@other.org>\r\nRCPT TO:<u@example.net>\r\n"); // PIPELINING was not offered
            c.expect(250);
            c.expect(250);
            c.send("DATA", 354);
            c.write(MESSAGE);
            assertThat(c.reply()).startsWith("550 5.5.1 Protocol error");
        }
    }

    @Test
    void pipeliningAsRfc2920AllowsPasses() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO mx.other.org", 250);
            // one group: MAIL, RCPTs and DATA last; the message after the 354 (what Postfix's smtp client does)
            c.write("MAIL FROM:<a@other.org>\r\nRCPT TO:<u@example.net>\r\nRCPT TO:<v@example.net>\r\nDATA\r\n");
            c.expect(250);
            c.expect(250);
            c.expect(250);
            c.expect(354);
            c.write(MESSAGE);
            assertThat(c.reply()).startsWith("250 ");
            // the next transaction pipelined again, after the 250 of the first
            c.write("MAIL FROM:<a@other.org>\r\nRCPT TO:<u@example.net>\r\nDATA\r\n");
            c.expect(250);
            c.expect(250);
            c.expect(354);
            c.write(MESSAGE);
            assertThat(c.reply()).startsWith("250 ");
            c.send("QUIT", 221);
            assertThat(gw.downstream().getMessages()).hasSize(3); // the sink keeps one copy per recipient
        }
    }

    @Test
    void aBareNewlineInCommandsIsAcceptedAndScoredButNotInTheMessage() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null)) {
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.write("EHLO script.other.org\n"); // each line waits for its reply: no pipelining here
                c.expect(250);
                c.write("MAIL FROM:<a@other.org>\n");
                c.expect(250);
                c.write("RCPT TO:<u@example.net>\n");
                c.expect(250);
                c.write("DATA\n");
                c.expect(354);
                c.write(MESSAGE);
                assertThat(c.reply()).startsWith("250 ");
                // in the message a bare LF is still refused (SMTP smuggling), commands or not
                c.write("MAIL FROM:<a@other.org>\r\n");
                c.expect(250);
                c.send("RCPT TO:<u@example.net>", 250);
                c.send("DATA", 354);
                c.write("Subject: x\r\n\r\nsmuggled\n.\nMAIL FROM:<b@other.org>\r\n.\r\n");
                assertThat(c.reply()).startsWith("554 5.5.2 ");
            }
            assertThat(gw.awaitDecisions(2)).anySatisfy(l -> assertThat(l).contains("\"client.bare_newline\":true",
                    "bare-newline-in-commands"));
            assertThat(gw.downstream().getMessages()).hasSize(1);
        }
    }

    @Test
    void aCleanClientHasNeitherSignal() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null)) {
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"client.pipelining\":false",
                    "\"client.bare_newline\":false"));
        }
    }

    @Test
    void trustedClientsAreExempt() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient("127.0.0.2", gw.port())) {
            c.expect(220);
            c.write("EHLO relay.example.net\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<u@example.net>\r\nDATA\r\n" + MESSAGE);
            c.expect(250);
            c.expect(250);
            c.expect(250);
            c.expect(354);
            assertThat(c.reply()).startsWith("250 ");
            assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"client.pipelining\":true"));
        }
    }
}
