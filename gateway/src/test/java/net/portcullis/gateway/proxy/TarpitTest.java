package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tarpit: replies to a high-scoring transaction wait; no more sessions than max_sessions wait at once. */
class TarpitTest {
    @TempDir
    Path var;

    /** The harness's own traffic scores 4 (no confirmed reverse name, a HELO that does not resolve): below 8. */
    GatewayHarness start(String delay) throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-slow.rules"), """
                rule slow-sender
                  stage mail
                  when mail.from_domain == "slow.example"
                  score 10
                """);
        return GatewayHarness.withWiser(var, "tarpit: {score: 8, delay: " + delay + ", max_sessions: 1}\n");
    }

    static double metric(GatewayHarness gw, String name) {
        return gw.gateway.metrics().scrape().lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElse(-1);
    }

    static String rcpt(GatewayHarness gw, SmtpTestClient c, String sender) throws Exception {
        c.expect(220);
        c.send("EHLO client.other.org", 250);
        c.send("MAIL FROM:<" + sender + ">", 250);
        return c.send("RCPT TO:<u@example.net>", 250);
    }

    @Test
    void aHighScoreWaitsBeforeItsReplyAndALowOneDoesNot() throws Exception {
        try (GatewayHarness gw = start("1s")) {
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                long t0 = System.nanoTime();
                rcpt(gw, c, "a@slow.example");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1000);
            }
            assertThat(metric(gw, "portcullis_tarpit_delayed_total")).isEqualTo(1.0);
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                rcpt(gw, c, "a@quick.example");
            }
            assertThat(metric(gw, "portcullis_tarpit_delayed_total")).isEqualTo(1.0);
        }
    }

    @Test
    void pastMaxSessionsRepliesGoOutAtOnce() throws Exception {
        try (GatewayHarness gw = start("3s");
             SmtpTestClient first = new SmtpTestClient(gw.port());
             SmtpTestClient second = new SmtpTestClient(gw.port())) {
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return rcpt(gw, first, "a@slow.example");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.until("the first client in the tarpit", Duration.ofSeconds(10), () -> metric(gw, "portcullis_tarpit_delayed_total") >= 1);
            rcpt(gw, second, "b@slow.example");
            assertThat(metric(gw, "portcullis_tarpit_full_total")).isEqualTo(1.0);
            assertThat(waiting.isDone()).as("the first is still in the tarpit").isFalse();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).startsWith("250");
        }
    }
}
