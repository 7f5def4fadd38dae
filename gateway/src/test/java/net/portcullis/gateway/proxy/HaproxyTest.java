package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway behind a real HAProxy (Debian's, started here on loopback ports): the PROXY
 * protocol v1 and v2 headers it sends name the real client, IPv4 and IPv6, and every check sees
 * that client — a trusted one may relay, another may not. A peer that is not the configured
 * load balancer, and a balancer that sends no valid header, are refused before any SMTP.
 */
class HaproxyTest {
    @TempDir
    Path var;

    private Process haproxy;

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** HAProxy with a v1 frontend on 127.0.0.1:v1 and a v2 frontend on [::1]:v2, both to the gateway's PROXY listener. */
    private void startHaproxy(int v1, int v2, int gateway) throws Exception {
        haproxy = start(var, """
                frontend smtp_v1
                    bind 127.0.0.1:%d
                    default_backend gw_v1
                frontend smtp_v2
                    bind [::1]:%d
                    default_backend gw_v2
                backend gw_v1
                    server gw 127.0.0.1:%d send-proxy
                backend gw_v2
                    server gw 127.0.0.1:%d send-proxy-v2
                """.formatted(v1, v2, gateway, gateway), new InetSocketAddress("127.0.0.1", v1), new InetSocketAddress("::1", v2));
    }

    /**
     * Debian's haproxy with these frontends and backends (TCP mode), its log in {@code dir}; returns
     * once it accepts on every one of {@code frontends}.
     */
    static Process start(Path dir, String proxies, InetSocketAddress... frontends) throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                """ + proxies);
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (InetSocketAddress f : frontends) {
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(f, 1000);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > until || !p.isAlive()) {
                        p.destroyForcibly();
                        throw new IllegalStateException("haproxy did not start: " + Files.readString(log), e);
                    }
                    Thread.sleep(50);
                }
            }
        }
        return p;
    }

    private GatewayHarness gatewayBehindHaproxy() throws Exception {
        return GatewayHarness.withWiser(var.resolve("gw"), "listen: [{address: 127.0.0.1:0, proxy_from: [127.0.0.1/32]}]\n");
    }

    @Test
    void theClientHaproxyNamesIsTheClientEveryCheckSees() throws Exception {
        try (GatewayHarness gw = gatewayBehindHaproxy()) {
            int v1 = freePort();
            int v2 = freePort();
            startHaproxy(v1, v2, gw.port());
            // 127.0.0.2 is a trusted network: through the balancer it may still relay, so its address came through
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.2", v1)) {
                c.expect(220);
                c.send("EHLO relay.example.net", 250);
                c.send("MAIL FROM:<a@example.net>", 250);
                c.send("RCPT TO:<someone@elsewhere.org>", 250);
                c.send("QUIT", 221);
            }
            // 127.0.0.3 is not: the same relay attempt is refused as for a direct client
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.3", v1)) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                assertThat(c.send("RCPT TO:<someone@elsewhere.org>", 550)).startsWith("550 5.7.1 Relay access denied");
                c.send("QUIT", 221);
            }
            assertThat(gw.awaitDecisions(2)).anySatisfy(l -> assertThat(l).contains("\"client\":\"127.0.0.3\""))
                    .anySatisfy(l -> assertThat(l).contains("\"client\":\"127.0.0.2\""))
                    .noneSatisfy(l -> assertThat(l).contains("\"client\":\"127.0.0.1\""));
            // v2, an IPv6 client: a message delivered with the real address in its Received header
            try (SmtpTestClient c = new SmtpTestClient("::1", v2)) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                c.send("RCPT TO:<u@example.net>", 250);
                c.send("DATA", 354);
                c.write("From: a@other.org\r\nSubject: v6\r\n\r\nhi\r\n.\r\n");
                assertThat(c.reply()).startsWith("250 ");
            }
            assertThat(gw.awaitDecisions(3)).anySatisfy(l -> assertThat(l).contains("\"client\":\"0:0:0:0:0:0:0:1\""));
            String received = new String(gw.downstream().getMessages().get(0).getData(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(received).contains("Received: from client.other.org (unknown [0:0:0:0:0:0:0:1])");
        }
    }

    @Test
    void onlyTheBalancerMaySpeakToAProxyListenerAndOnlyWithAValidHeader() throws Exception {
        try (GatewayHarness gw = gatewayBehindHaproxy()) {
            // a client that bypasses the balancer
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.5", gw.port())) {
                assertThat(c.reply()).isEqualTo("554 5.7.1 This port takes connections from the load balancer only");
            }
            // the balancer's address, with no header: plain SMTP waiting for a banner gets none, then a refusal
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.1", gw.port())) {
                c.write("EHLO x\r\n");
                assertThat(c.reply()).startsWith("421 4.7.0 Invalid PROXY protocol header: does not start with a PROXY v1 or v2 signature");
            }
            // a forged-looking header with a name where an address belongs
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.1", gw.port())) {
                c.write("PROXY TCP4 mail.example.com 127.0.0.1 1234 25\r\n");
                assertThat(c.reply()).startsWith("421 4.7.0 Invalid PROXY protocol header: v1 header: 'mail.example.com' is not an IPv4");
            }
            // a valid one from the balancer's address is believed
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.1", gw.port())) {
                c.write("PROXY TCP4 198.51.100.7 127.0.0.1 40000 25\r\n");
                c.expect(220);
                c.send("QUIT", 221);
            }
        }
    }

    @Test
    void aGatewayListensOnSeveralAddressesIncludingIpv6() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var.resolve("gw"), "listen: [127.0.0.1:0, \"[::1]:0\"]\n")) {
            assertThat(gw.gateway.ports()).hasSize(2);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("::1", gw.gateway.ports().get(1)), 2000);
                assertThat(new String(s.getInputStream().readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("220 ");
            }
            try (SmtpTestClient c = new SmtpTestClient("::1", gw.gateway.ports().get(1))) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("QUIT", 221);
            }
            try (SmtpTestClient c = new SmtpTestClient(gw.gateway.ports().get(0))) {
                c.expect(220);
            }
        }
    }
}
