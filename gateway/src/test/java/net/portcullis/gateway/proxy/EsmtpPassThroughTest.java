package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the downstream offers (SMTPUTF8, DSN) is advertised and passed on: the DSN parameters
 * and UTF-8 addresses reach the protected server byte for byte, as the client wrote them; what
 * it does not offer is not advertised, and a client that uses it anyway gets 555.
 */
class EsmtpPassThroughTest {
    static final String MESSAGE = "From: a@other.org\r\nSubject: x\r\n\r\nbody\r\n";

    @TempDir
    Path var;

    static FaultyDownstream capable() throws Exception {
        return new FaultyDownstream(FaultyDownstream.Fault.NONE, 0, 0, "PIPELINING", "8BITMIME", "DSN", "SMTPUTF8");
    }

    @Test
    void dsnParametersArePassedOnUnchanged() throws Exception {
        try (FaultyDownstream ds = capable();
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO client.other.org", 250)).contains("250-DSN", "250-SMTPUTF8", "250-ENHANCEDSTATUSCODES");
            c.send("MAIL FROM:<a@other.org> RET=HDRS ENVID=QQ314159+2B BODY=8BITMIME", 250);
            c.send("RCPT TO:<user@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;user+2Bx@example.net", 250);
            c.send("RCPT TO:<other@example.net> NOTIFY=NEVER", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            c.expect(250);
            c.send("QUIT", 221);
            assertThat(ds.commands).contains(
                    "MAIL FROM:<a@other.org> RET=HDRS ENVID=QQ314159+2B BODY=8BITMIME",
                    "RCPT TO:<user@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;user+2Bx@example.net",
                    "RCPT TO:<other@example.net> NOTIFY=NEVER");
        }
    }

    @Test
    void utf8AddressesPassByteForByteUnderSmtputf8() throws Exception {
        try (FaultyDownstream ds = capable();
             GatewayHarness gw = new GatewayHarness(ds.port(), var, "domains: [example.net, bücher.example]");
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<jürgen@other.org> SMTPUTF8", 250);
            c.send("RCPT TO:<δοκιμή@example.net>", 250);
            // IDNA: the A-label form of one of our domains is ours too
            c.send("RCPT TO:<kunde@xn--bcher-kva.example>", 250);
            c.send("RCPT TO:<kunde@bücher.example>", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            c.expect(250);
            c.send("QUIT", 221);
            assertThat(ds.commands).contains("MAIL FROM:<jürgen@other.org> SMTPUTF8", "RCPT TO:<δοκιμή@example.net>",
                    "RCPT TO:<kunde@bücher.example>");
            assertThat(ds.stored).hasSize(1);
        }
    }

    @Test
    void aUtf8AddressWithoutSmtputf8IsRefusedWith553() throws Exception {
        try (FaultyDownstream ds = capable();
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            assertThat(c.send("MAIL FROM:<jürgen@other.org>", 553)).startsWith("553 5.6.7 ");
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<δοκιμή@example.net>", 553)).startsWith("553 5.6.7 ");
        }
    }

    @Test
    void whatTheDownstreamDoesNotOfferIsNotAdvertised() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.NONE, 0, 0, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO client.other.org", 250)).doesNotContain("DSN", "SMTPUTF8");
            assertThat(c.send("MAIL FROM:<a@other.org> RET=FULL", 555)).startsWith("555 5.5.4 ");
            c.send("MAIL FROM:<a@other.org> BODY=8BITMIME", 250);
            assertThat(c.send("RCPT TO:<user@example.net> NOTIFY=NEVER", 555)).startsWith("555 5.5.4 ");
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            c.expect(250);
            // the downstream does not offer 8BITMIME: BODY= is not passed to it
            assertThat(ds.commands).contains("MAIL FROM:<a@other.org>");
        }
    }
}
