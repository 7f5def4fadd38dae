package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.dns.NsdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * A fleet as operators run it: two gateway processes behind a real HAProxy, sharing one
 * PostgreSQL schema and one Redis prefix, resolving through a real DNS server (NSD) on loopback,
 * relaying to one recording sink. What is done on one gateway is seen on the other within the
 * documented time (docs/deploy.md): a list entry (store.refresh), a bulk sender's consent and its
 * revocation (consent.refresh), a rate limit, a greylist pass, a decision looked up by its ref.
 * The admin commands are the real CLI, each against one gateway's configuration.
 */
class FleetTest {
    static final String PG_URL = System.getenv().getOrDefault("PORTCULLIS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private String schema;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (schema != null) {
            try (var c = java.sql.DriverManager.getConnection(PG_URL, "postgres", ""); var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    /** A `portcullis` command for this test: its decision log under {@code logs} in the test's directory. */
    private List<String> java(String logs, String... args) {
        return portcullis(tmp.resolve(logs), args);
    }

    /** `portcullis ARGS` as a process of its own: this JVM's java, the test class path, the decision log in {@code logs}. */
    static List<String> portcullis(Path logs, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dlogback.configurationFile=" + Path.of("../conf/logback.xml").toAbsolutePath(),
                "-Dportcullis.logs=" + logs, "-cp", System.getProperty("java.class.path"),
                "net.portcullis.gateway.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** One admin command, as an operator runs it; its output. */
    private String cli(String... args) throws Exception {
        Process p = new ProcessBuilder(java("logs-cli", args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("portcullis %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    private Process serve(Path config, String name) throws IOException {
        Process p = new ProcessBuilder(java("logs-" + name, "serve", "--config", config.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static void awaitGreeting(int port, Process p, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.9", port)) {
                if (c.reply().startsWith("220")) {
                    return;
                }
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("gateway exited: " + Files.readString(log));
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("gateway not up within 60 s: " + Files.readString(log));
    }

    /** One message; returns the last reply (the refusal, or the end of data's). */
    static String send(int port, String client, String sender, String rcpt, String subject) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(client, port)) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.write("MAIL FROM:<" + sender + ">\r\n");
            String r = c.reply();
            if (!r.startsWith("250")) {
                return r;
            }
            c.write("RCPT TO:<" + rcpt + ">\r\n");
            r = c.reply();
            if (!r.startsWith("250")) {
                return r;
            }
            c.send("DATA", 354);
            c.write("From: " + sender + "\r\nTo: " + rcpt + "\r\nSubject: " + subject + "\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                    + "Message-ID: <" + UUID.randomUUID() + "@other.org>\r\n\r\nfleet\r\n.\r\n");
            return c.reply();
        }
    }

    /** Sends until the reply starts as expected or {@code seconds} pass; the last reply. */
    static String until(String expected, int seconds, java.util.concurrent.Callable<String> attempt) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String r;
        do {
            r = attempt.call();
            if (r.startsWith(expected)) {
                return r;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < end);
        return r;
    }

    private NsdServer dns() throws Exception {
        return dns(tmp);
    }

    /** NSD serving other.org and shop.example (SPF for 127.0.0.0/24) and client.other.org forward and reverse for 127.0.0.1-9. */
    static NsdServer dns(Path tmp) throws Exception {
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        StringBuilder ptr = new StringBuilder("$ORIGIN 0.0.127.in-addr.arpa.\n$TTL 300\n"
                + "@ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300\n@ IN NS ns.other.org.\n");
        StringBuilder other = new StringBuilder("$ORIGIN other.org.\n$TTL 300\n"
                + "@ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300\n@ IN NS ns.other.org.\nns IN A 127.0.0.1\n"
                + "@ IN TXT \"v=spf1 ip4:127.0.0.0/24 -all\"\n");
        for (int i = 1; i <= 9; i++) {
            ptr.append(i).append(" IN PTR client.other.org.\n");
            other.append("client IN A 127.0.0.").append(i).append('\n');
        }
        Files.writeString(zones.resolve("127.zone"), ptr);
        Files.writeString(zones.resolve("other.zone"), other);
        Files.writeString(zones.resolve("shop.zone"), "$ORIGIN shop.example.\n$TTL 300\n"
                + "@ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300\n@ IN NS ns.other.org.\n"
                + "@ IN TXT \"v=spf1 ip4:127.0.0.0/24 -all\"\n");
        return new NsdServer(zones, Map.of("0.0.127.in-addr.arpa", zones.resolve("127.zone"), "other.org", zones.resolve("other.zone"),
                "shop.example", zones.resolve("shop.zone")));
    }

    @Test
    void twoGatewayProcessesBehindHaproxyBehaveAsOne() throws Exception {
        schema = "fleet_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String redis = RedisRateTest.REDIS;
        Wiser sink = GatewayHarness.wiser((f, r) -> true);
        Path local = Files.createDirectories(tmp.resolve("local.d"));
        // greylisting enforced for one sender domain only, so that the other cases are not deferred
        Files.writeString(local.resolve("46-fleet-greylist.rules"), """
                rule fleet-greylist
                  stage rcpt
                  when mail.from_domain == "grey.other.org" and (greylist.result == "new" or greylist.result == "early")
                  tempfail 451 4.7.1 "Greylisted: please try again in a few minutes"
                """);
        try (NsdServer nsd = dns()) {
            int[] proxyPort = {HaproxyTest.freePort(), HaproxyTest.freePort()};
            int[] directPort = {HaproxyTest.freePort(), HaproxyTest.freePort()};
            Path[] config = new Path[2];
            String prefix = "fleet:" + UUID.randomUUID() + ":";
            for (int g = 0; g < 2; g++) {
                config[g] = tmp.resolve("gateway-" + g + ".yaml");
                Files.writeString(config[g], """
                        listen:
                          - {address: "127.0.0.1:%d", proxy_from: [127.0.0.1/32]}
                          - "127.0.0.1:%d"
                        hostname: mx%d.example.net
                        downstream: "127.0.0.1:%d"
                        domains: [example.net]
                        trusted_networks: [127.0.0.2/32]
                        var_dir: %s
                        dns: {servers: ["127.0.0.1:%d"], timeout: 2s}
                        admin: {listen: "off"}
                        store: {url: "%s", user: postgres, password: "", schema: %s, refresh: 500ms}
                        redis: {url: "%s", prefix: "%s"}
                        ratelimit: {limits: {client.messages: 2/1h}}
                        greylist: {delay: 1s}
                        consent: {refresh: 200ms}
                        rules: {directory: %s, local: %s, lists: %s}
                        """.formatted(proxyPort[g], directPort[g], g + 1, GatewayHarness.port(sink), tmp.resolve("var-" + g),
                        nsd.address().getPort(), PG_URL, schema, redis, prefix, Path.of("../conf/rules").toAbsolutePath(), local,
                        Path.of("../conf/lists").toAbsolutePath()));
            }
            Process a = serve(config[0], "gateway-0");
            Process b = serve(config[1], "gateway-1");
            awaitGreeting(directPort[0], a, tmp.resolve("gateway-0.log"));
            awaitGreeting(directPort[1], b, tmp.resolve("gateway-1.log"));
            int lb = haproxy(proxyPort);
            int onA = directPort[0];
            int onB = directPort[1];

            // behind the balancer: both gateways take mail, each sees the real client
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String r = send(lb, i % 2 == 0 ? "127.0.0.3" : "127.0.0.5", "a@other.org", "u@example.net", "via the balancer " + i);
                assertThat(r).startsWith("250 ");
                refs.add(ref(r));
            }
            // a decision looked up by its ref, on the other gateway's configuration (the shared store)
            for (String ref : refs) {
                String shown = until("ref " + ref, 10, () -> {
                    Process p = new ProcessBuilder(java("logs-cli", "log", "show", ref, "--config", config[1].toString()))
                            .redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    return out;
                });
                assertThat(shown).startsWith("ref " + ref).containsPattern("client    127\\.0\\.0\\.[35] ");
            }
            // round robin: one session at each gateway, each with the real client's address
            for (int g = 0; g < 2; g++) {
                assertThat(Files.readString(tmp.resolve("logs-gateway-" + g + "/decisions.jsonl"))).as("gateway %d's decisions; its log: %s",
                                g, Files.readString(tmp.resolve("gateway-" + g + ".log")))
                        .containsPattern("\"client\":\"127\\.0\\.0\\.[35]\"");
            }

            // a list entry made with gateway A's configuration refuses the client at gateway B
            assertThat(send(onB, "127.0.0.6", "a@other.org", "u@example.net", "before listing")).startsWith("250 ");
            cli("list", "add", "--ip", "127.0.0.6", "--reason", "fleet test", "--config", config[0].toString());
            Thread.sleep(1000); // the bound under test: a change at A holds at B within store.refresh (500ms here)
            assertThat(send(onB, "127.0.0.6", "a@other.org", "u@example.net", "after listing"))
                    .startsWith("554 5.7.1 Client host 127.0.0.6 is blacklisted here: fleet test");

            // consent: a bulk sender reaches u@example.net only while the consent recorded on A stands, at B
            cli("sender", "register", "shop.example", "--config", config[0].toString());
            Thread.sleep(600); // the bound under test: within consent.refresh (200ms here); probing instead would count messages
            assertThat(send(onB, "127.0.0.4", "news@shop.example", "v@example.net", "no consent")).startsWith("550 ");
            cli("consent", "grant", "--recipient", "v@example.net", "--sender", "shop.example", "--method", "web-form",
                    "--evidence", "form https://shop.example/signup", "--config", config[0].toString());
            Thread.sleep(600);
            assertThat(send(onB, "127.0.0.4", "news@shop.example", "v@example.net", "with consent")).startsWith("250 ");
            cli("consent", "revoke", "--recipient", "v@example.net", "--sender", "shop.example", "--evidence", "unsubscribe link",
                    "--config", config[0].toString());
            Thread.sleep(600);
            assertThat(send(onB, "127.0.0.1", "news@shop.example", "v@example.net", "revoked")).startsWith("550 ");

            // a rate limit counted across the fleet: two messages at A, the third at B is over
            assertThat(send(onA, "127.0.0.7", "a@other.org", "u@example.net", "rate 1")).startsWith("250 ");
            assertThat(send(onA, "127.0.0.7", "a@other.org", "u@example.net", "rate 2")).startsWith("250 ");
            assertThat(send(onB, "127.0.0.7", "a@other.org", "u@example.net", "rate 3")).startsWith("450 4.7.1 Too many messages");

            // greylisted at A, the retry after the delay passes at B
            assertThat(send(onA, "127.0.0.8", "x@grey.other.org", "u@example.net", "grey 1")).startsWith("451 4.7.1 Greylisted");
            Thread.sleep(1200); // the greylist's delay (1s here) is real time the client must let pass
            assertThat(send(onB, "127.0.0.8", "x@grey.other.org", "u@example.net", "grey 2")).startsWith("250 ");
        } finally {
            sink.stop();
        }
    }

    private static String ref(String reply) {
        Matcher m = Pattern.compile("\\[ref (\\w{8})]").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m.group(1);
    }

    /** HAProxy round-robin over both gateways' PROXY listeners; its frontend port. */
    private int haproxy(int[] backends) throws Exception {
        int port = HaproxyTest.freePort();
        processes.add(HaproxyTest.start(tmp, """
                frontend smtp
                    bind 127.0.0.1:%d
                    default_backend gateways
                backend gateways
                    balance roundrobin
                    server gw1 127.0.0.1:%d send-proxy-v2
                    server gw2 127.0.0.1:%d send-proxy-v2
                """.formatted(port, backends[0], backends[1]), new InetSocketAddress("127.0.0.1", port)));
        return port;
    }
}
