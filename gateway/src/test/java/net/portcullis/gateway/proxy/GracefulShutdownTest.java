package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** SIGTERM's path: stop taking new work, let the transaction in flight finish, then exit. */
class GracefulShutdownTest {
    @TempDir
    Path var;

    @Test
    void aTransactionInFlightFinishesAndNewOnesAreTurnedAway() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), var, null);
        try (SmtpTestClient busy = new SmtpTestClient(gw.port()); SmtpTestClient idle = new SmtpTestClient(gw.port())) {
            busy.expect(220);
            idle.expect(220);
            busy.send("EHLO client.other.org", 250);
            idle.send("EHLO client.other.org", 250);
            busy.send("MAIL FROM:<a@other.org>", 250);
            busy.send("RCPT TO:<user@example.net>", 250);
            busy.send("DATA", 354);
            busy.write("Subject: in flight\r\n\r\nfirst half\r\n");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    gw.gateway.shutdown(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(300);
            assertThat(stopping).isNotDone();
            // A new transaction on an open session is turned away with a temporary failure.
            assertThat(idle.send("MAIL FROM:<b@other.org>", 421)).startsWith("421 4.3.2");

            busy.write("second half\r\n.\r\n");
            busy.expect(250);
            stopping.get();
        }
        assertThat(downstream.getMessages()).hasSize(1);
        downstream.stop();
    }
}
