package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.subethamail.wiser.Wiser;

/**
 * The classic relay tests (the ones relay testers of the late 1990s ran against every MX:
 * percent hack, bang paths, quoted and source-routed addresses, literals, trailing dots), sent
 * from an untrusted client to a gateway whose domain is example.net. Every one must be refused
 * with a 5xx, and the downstream must never see a connection.
 */
class RelayAttackTest {
    static Wiser downstream;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        downstream = GatewayHarness.wiser((f, r) -> true);
        gw = new GatewayHarness(GatewayHarness.port(downstream), Files.createTempDirectory("relay-attack"), null);
    }

    @AfterAll
    static void stop() {
        gw.close();
        downstream.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<victim@elsewhere.com>",
            "victim@elsewhere.com",
            " <victim@elsewhere.com>",
            "<victim@ELSEWHERE.COM>",
            "<victim%elsewhere.com@example.net>",
            "<victim%ELSEWHERE.COM@EXAMPLE.NET>",
            "<victim%elsewhere.com%example.net@example.net>",
            "<victim%elsewhere.com@[127.0.0.1]>",
            "<victim%elsewhere.com>",
            "<\"victim@elsewhere.com\">",
            "<\"victim%elsewhere.com\">",
            "<\"victim@elsewhere.com\"@example.net>",
            "<\"victim%elsewhere.com\"@example.net>",
            "<\"victim!elsewhere.com\"@example.net>",
            "<\"vic\\\"tim@elsewhere.com\"@example.net>",
            "<victim@elsewhere.com@example.net>",
            "<victim@elsewhere.com@[127.0.0.1]>",
            "<victim\\@elsewhere.com@example.net>",
            "<@example.net:victim@elsewhere.com>",
            "<@example.net,@example.net:victim@elsewhere.com>",
            "<@elsewhere.com:victim@example.net>",
            "<@[127.0.0.1]:victim@elsewhere.com>",
            "<elsewhere.com!victim>",
            "<elsewhere.com!victim@example.net>",
            "<example.net!elsewhere.com!victim@example.net>",
            "<victim@[127.0.0.1]>",
            "<victim@[IPv6:::1]>",
            "<victim@127.0.0.1>",
            "<victim@localhost>",
            "<victim@example.net.>",
            "<victim@elsewhere.com.>",
            "<victim@example.net.elsewhere.com>",
            "<victim@sub.example.net>",
            "<victim@elsewhere.com%example.net>",
            "<victim@elsewhere.com (example.net)>",
            "<victim@elsewhere.com>@example.net",
            "<>",
            "<\"\"@example.net.>",
            "<victim@elsewhere.com> NOTIFY=NEVER",
    })
    void everyClassicRelayTrickIsRefused(String rcpt) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO attacker.example.com", 250);
            c.send("MAIL FROM:<spammer@elsewhere.com>", 250);
            c.write("RCPT TO:" + rcpt + "\r\n");
            String reply = String.join("\n", c.read());
            assertThat(reply).as("RCPT TO:%s", rcpt).matches("5\\d\\d .*");
            c.write("DATA\r\n");
            assertThat(String.join("\n", c.read())).startsWith("503");
        }
        assertThat(downstream.getMessages()).isEmpty();
        assertThat(gw.downstreamConnections()).as("the downstream saw no connection").isZero();
    }

    @Test
    void routingTricksAreRefusedWith550And571AndAReason() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO attacker.example.com", 250);
            c.send("MAIL FROM:<spammer@elsewhere.com>", 250);
            assertThat(c.send("RCPT TO:<victim%elsewhere.com@example.net>", 550))
                    .startsWith("550 5.7.1 Relay access denied: '%' in the local part (the percent hack) is not accepted [ref ");
            assertThat(c.send("RCPT TO:<@example.net:victim@elsewhere.com>", 550)).contains("source routes");
            assertThat(c.send("RCPT TO:<victim@example.net.>", 550)).contains("trailing dot");
            assertThat(c.send("RCPT TO:<victim@[127.0.0.1]>", 550)).contains("address literals");
        }
    }

    @Test
    void theSameTricksAreRefusedEvenForATrustedClient() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient("127.0.0.2", gw.port())) {
            c.expect(220);
            c.send("EHLO submit.example.net", 250);
            c.send("MAIL FROM:<me@example.net>", 250);
            c.send("RCPT TO:<victim%elsewhere.com@example.net>", 550);
            c.send("RCPT TO:<\"victim@elsewhere.com\"@example.net>", 550);
        }
        assertThat(gw.downstreamConnections()).isZero();
    }

    @Test
    void bareRcptToPostmasterIsAccepted() throws Exception {
        Path var = Files.createTempDirectory("postmaster");
        Wiser ds = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness g = new GatewayHarness(GatewayHarness.port(ds), var, null);
             SmtpTestClient c = new SmtpTestClient(g.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<Postmaster>", 250);
        } finally {
            ds.stop();
        }
    }
}
