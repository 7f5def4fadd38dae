package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XCLIENT to a real Postfix (smtpd_authorized_xclient_hosts = the gateway): Postfix's own
 * check_client_access and its log see the client behind the gateway, one client after another on
 * a reused connection; with xclient off (the default) Postfix sees only the gateway.
 */
class PostfixXclientTest {
    @TempDir
    static Path tmp;
    static FaultyDownstream sink;
    static PostfixServer postfix;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PostfixServer.available(), "needs root and the postfix package (bin/test installs it; CI runs as root)");
        sink = new FaultyDownstream(FaultyDownstream.Fault.NONE, 0, 0, "PIPELINING", "8BITMIME");
        postfix = new PostfixServer(sink.port(), """
                smtpd_authorized_xclient_hosts = 127.0.0.1
                smtpd_client_restrictions = check_client_access inline:{{127.0.0.3 = 550 5.7.1 blocked by the mail server's own access map}}
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    static String rcpt(GatewayHarness gw, String from) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(from, gw.port())) {
            c.expect(220);
            c.send("EHLO client-" + from.replace('.', '-') + ".other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.write("RCPT TO:<u@example.net>\r\n");
            String r = c.reply();
            if (r.startsWith("250")) {
                c.send("DATA", 354);
                c.write("From: a@other.org\r\nSubject: from " + from + "\r\n\r\nhi\r\n.\r\n");
                r = c.reply();
            }
            c.send("QUIT", 221);
            return r;
        }
    }

    @Test
    void postfixSeesTheRealClientOneAfterAnotherOnAReusedConnection() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(postfix.port, tmp.resolve("on"),
                "downstream_options: {timeout: 5s, connect_timeout: 2s, data_timeout: 5s, xclient: true}\n")) {
            assertThat(rcpt(gw, "127.0.0.4")).startsWith("250 ");
            assertThat(rcpt(gw, "127.0.0.3")).startsWith("550 5.7.1 <unknown[127.0.0.3]>: Client host rejected: blocked by the mail server's own access map");
            assertThat(rcpt(gw, "127.0.0.5")).startsWith("250 ");
            assertThat(gw.gateway.metrics().scrape()).containsPattern("portcullis_downstream_connections_reused_total [1-9]");
        }
        String log = postfix.log();
        assertThat(log).contains("client=unknown[127.0.0.4]", "client=unknown[127.0.0.5]",
                "reject: RCPT from unknown[127.0.0.3]");
    }

    @Test
    void withXclientOffPostfixSeesOnlyTheGateway() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(postfix.port, tmp.resolve("off"), null)) {
            assertThat(rcpt(gw, "127.0.0.3")).startsWith("250 ");
        }
    }
}
