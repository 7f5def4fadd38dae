package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that stops answering under traffic, with redis.fail: closed (a throwaway redis-server,
 * paused with SIGSTOP: connections stay open and commands time out, the hardest case for a client
 * library). What passes while it is down is exactly mail from trusted and authenticated clients,
 * which the rate rules exempt before any level is read; every other message hears a 4xx, also a
 * bounce (<>) and a second message on a session opened before the outage; and mail flows again
 * when Redis answers. docs/abuse.md says the same.
 */
class RedisOutageTest {
    @TempDir
    Path var;

    @Test
    void whileRedisIsDownOnlyExemptClientsPassAndMailFlowsWhenItIsBack() throws Exception {
        int port = net.portcullis.policy.dns.NsdServer.freePort();
        Path dir = Files.createDirectories(var.resolve("redis"));
        Process redis = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port), "--save", "",
                "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        String yaml = "redis: {url: \"redis://127.0.0.1:" + port + "\", prefix: \"t:" + UUID.randomUUID() + ":\", timeout: 200ms, fail: closed}\n";
        try {
            awaitPort(port);
            try (GatewayHarness gw = GatewayHarness.withWiser(var.resolve("gw"), yaml);
                 SmtpTestClient early = new SmtpTestClient("127.0.0.30", gw.port())) {
                assertThat(gw.message("127.0.0.10", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
                early.expect(220);
                early.send("EHLO client.other.org", 250);
                assertThat(send(early, "a@other.org")).startsWith("250 ");

                signal(redis, "STOP");
                try {
                    for (String sender : new String[] {"b@other.org", ""}) {
                        String r = gw.message("127.0.0.11", sender, "u@example.net", "hi");
                        assertThat(r).as("untrusted, sender <%s>", sender).matches("(?s)4\\d\\d .*");
                    }
                    assertThat(send(early, "c@other.org")).as("a session opened before the outage").matches("(?s)4\\d\\d .*");
                    assertThat(gw.message("127.0.0.2", "d@other.org", "u@example.net", "hi"))
                            .as("trusted: exempt before any level is read").startsWith("250 ");
                } finally {
                    signal(redis, "CONT");
                }
                String back = "";
                for (int i = 0; i < 50 && !back.startsWith("250"); i++) {
                    back = gw.message("127.0.0.12", "e@other.org", "u@example.net", "hi");
                    Thread.sleep(back.startsWith("250") ? 0 : 100);
                }
                assertThat(back).as("Redis answers again").startsWith("250 ");
                assertThat(gw.downstream().getMessages()).extracting(m -> m.getEnvelopeSender())
                        .containsExactly("a@other.org", "a@other.org", "d@other.org", "e@other.org");
            }
        } finally {
            redis.destroyForcibly().waitFor();
        }
    }

    /** One more message on an open session: MAIL, RCPT, DATA; the first reply that is not 250/354, or the final one. */
    static String send(SmtpTestClient c, String sender) throws Exception {
        for (String cmd : new String[] {"MAIL FROM:<" + sender + ">", "RCPT TO:<u@example.net>", "DATA"}) {
            c.write(cmd + "\r\n");
            String r = c.reply();
            if (!r.startsWith("250") && !r.startsWith("354")) {
                if (!cmd.startsWith("MAIL")) {
                    c.send("RSET", 250);
                }
                return r;
            }
        }
        c.write("From: " + sender + "\r\nSubject: again\r\n\r\nhi\r\n.\r\n");
        return c.reply();
    }

    static void signal(Process p, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).start().waitFor()).isZero();
    }

    static void awaitPort(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not listen on " + port);
    }
}
