package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session guardrails (Postfix's smtpd_hard_error_limit and junk command limit, RFC 5321 command
 * sequence and line length rules, ESMTP parameter checks), each with the reply a client sees.
 */
class SessionGuardrailsTest {
    @TempDir
    Path var;
    GatewayHarness gw;

    GatewayHarness start(String extra) throws Exception {
        gw = GatewayHarness.withWiser(var, extra);
        return gw;
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void mailBeforeHeloIsABadSequenceAndNothingIsDelivered() throws Exception {
        start(null);
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("MAIL FROM:<a@other.org>", 503)).startsWith("503 5.5.1 ");
            assertThat(c.send("RCPT TO:<user@example.net>", 503)).startsWith("503 5.5.1 ");
            assertThat(c.send("DATA", 503)).startsWith("503 5.5.1 ");
        }
        assertThat(gw.downstream().getMessages()).isEmpty();
        assertThat(gw.downstreamConnections()).isZero();
    }

    @Test
    void refusedCommandsPastTheErrorLimitEndTheSessionWith421() throws Exception {
        start("limits: {errors: 5}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<spammer@other.org>", 250);
            for (int i = 0; i < 4; i++) {
                c.send("RCPT TO:<victim" + i + "@elsewhere.com>", 550);
            }
            assertThat(c.send("RCPT TO:<victim5@elsewhere.com>", 550)).startsWith("550 5.7.1");
            assertThat(c.expect(421)).startsWith("421 4.7.0 Too many errors");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void thousandsOfRefusedRecipientsGiveABoundedDecisionLine() throws Exception {
        start("limits: {errors: 100000}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<spammer@other.org>", 250);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                batch.append("RCPT TO:<victim").append(i).append("@elsewhere.com>\r\n");
            }
            c.write(batch.toString());
            for (int i = 0; i < 3000; i++) {
                assertThat(c.expect(550)).startsWith("550");
            }
            c.send("QUIT", 221);
        }
        String line = gw.awaitDecisions(1).get(0);
        assertThat(line.length()).as("decision line length").isLessThan(100_000);
        assertThat(line).contains("\"recipients_omitted\":2900");
    }

    @Test
    void unknownCommandsAndVrfyCountAsErrors() throws Exception {
        start("limits: {errors: 3}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("XYZZY", 500)).startsWith("500 5.5.2 ");
            assertThat(c.send("VRFY root", 502)).startsWith("502 5.5.1 ");
            c.send("FOOBAR hello", 500);
            c.expect(421);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void junkCommandsPastTheirLimitCountAsErrors() throws Exception {
        start("limits: {errors: 2, junk_commands: 3}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            for (int i = 0; i < 4; i++) {
                c.send("NOOP", 250);
            }
            c.send("NOOP", 250);
            c.expect(421);
        }
    }

    @Test
    void startTlsInsideTlsIsABadSequenceNotATemporaryFailure() throws Exception {
        start(null);
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            assertThat(c.send("STARTTLS now", 501)).startsWith("501 5.5.4 ");
            assertThat(c.startTls()).isEqualTo("220 2.0.0 Ready to start TLS");
            assertThat(c.send("MAIL FROM:<a@other.org>", 503)).as("TLS forgets the earlier EHLO").startsWith("503 5.5.1");
            assertThat(c.send("EHLO client.other.org", 250)).doesNotContain("STARTTLS");
            assertThat(c.send("STARTTLS", 503)).startsWith("503 5.5.1 ");
        }
    }

    @Test
    void commandLinesLongerThan512OctetsAreRefused() throws Exception {
        start(null);
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO " + "a".repeat(520), 500)).startsWith("500 5.5.2 Line too long");
            c.send("EHLO client.other.org", 250);
            assertThat(c.send("NOOP " + "x".repeat(600), 500)).startsWith("500 5.5.2");
            // MAIL and RCPT have room for ESMTP parameters (RFC 3461 5), up to the reader's 1,000 octets
            c.send("MAIL FROM:<a@other.org> BODY=8BITMIME" + " ".repeat(500), 250);
            assertThat(c.send("RCPT TO:<user@example.net>" + " ".repeat(1000), 501)).contains("too long");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void esmtpParametersAreCheckedAgainstWhatWasAdvertised() throws Exception {
        start("limits: {message_size: 10M}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            assertThat(c.send("MAIL FROM:<a@b.org> SIZE=3000000000", 552)).startsWith("552 5.3.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> SIZE=99999999999999999999999", 552)).startsWith("552 5.3.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> SIZE=", 501)).startsWith("501 5.5.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> SIZE=12ab", 501)).startsWith("501 5.5.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> #$%=!@#", 501)).startsWith("501 5.5.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> BODY=BINARYMIME", 501)).startsWith("501 5.5.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> XFORWARD=1", 555)).startsWith("555 5.5.4 ");
            assertThat(c.send("MAIL FROM:<a@b.org> AUTH=<>", 555)).as("AUTH not advertised without TLS").startsWith("555 5.5.4 ");
            c.send("MAIL FROM:<a@b.org> SIZE=1000 BODY=8BITMIME", 250);
            assertThat(c.send("RCPT TO:<user@example.net> FOO=BAR", 555)).startsWith("555 5.5.4 ");
            c.send("RSET", 250);
            c.send("HELO client.other.org", 250);
            assertThat(c.send("MAIL FROM:<a@b.org> SIZE=1000", 555)).as("HELO: no extensions").startsWith("555 5.5.4 ");
        }
    }

    @Test
    void aClientTricklingDataPastTheDeadlineIsCutOff() throws Exception {
        start("limits: {data_deadline: 1s}");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            for (String piece : List.of("Subject: slow\r\n", "\r\n", "one\r\n", "two\r\n", "three\r\n")) {
                c.write(piece);
                Thread.sleep(300);
            }
            assertThat(c.expect(421)).startsWith("421 4.4.2 ");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(gw.downstream().getMessages()).isEmpty();
    }
}
