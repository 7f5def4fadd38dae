package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import net.portcullis.gateway.tls.TlsContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/** Opportunistic STARTTLS towards the protected server: used when offered, plain text when not. */
class DownstreamTlsTest {
    @TempDir
    Path var;

    @Test
    void theGatewayUpgradesTheDownstreamSessionWhenStartTlsIsOffered() throws Exception {
        SSLContext ctx = TlsContexts.selfSigned(var.resolve("downstream"), "internal.example.net");
        Wiser downstream = Wiser.accepter((f, r) -> true).server(SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress()).hostName("internal.example.net")
                .insertReceivedHeaders(false).enableTLS().startTlsSocketFactory(ctx));
        downstream.start();
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("a@other.org", "user@example.net", "Subject: x\r\n\r\nsecret\r\n", 250);
            c.send("QUIT", 221);
            assertThat(gw.awaitDecisions(1).get(0)).containsPattern("\"downstream_tls\":\"TLSv1\\.[23]\"");
        } finally {
            downstream.stop();
        }
        assertThat(downstream.getMessages()).hasSize(1);
    }

    @Test
    void withoutStartTlsOnOfferTheSessionStaysPlain() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("a@other.org", "user@example.net", "Subject: x\r\n\r\nx\r\n", 250);
            c.send("QUIT", 221);
            assertThat(gw.awaitDecisions(1).get(0)).contains("\"downstream_tls\":null");
        } finally {
            downstream.stop();
        }
    }
}
