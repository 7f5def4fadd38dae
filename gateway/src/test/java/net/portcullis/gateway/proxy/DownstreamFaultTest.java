package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protected server fails in every way it can; the client never hears 250 for lost mail. */
class DownstreamFaultTest {
    static final String MESSAGE = "Subject: x\r\n\r\nbody\r\n";

    @TempDir
    Path var;

    @Test
    void downstreamDownIsATemporaryFailureAtRcpt() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(FaultyDownstream.deadPort(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<user@example.net>", 451)).startsWith("451 4.4.1 ");
            c.send("DATA", 503);
        }
    }

    @Test
    void downstreamThatNeverAnswersTimesOutIntoATemporaryFailure() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.SILENT, 0, 0);
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            long t0 = System.nanoTime();
            assertThat(c.send("RCPT TO:<user@example.net>", 451)).startsWith("451 4.4.1 ");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("bounded by downstream_options.timeout").isLessThan(10_000);
        }
    }

    @Test
    void downstreamDroppingMidDataIsATemporaryFailureNeverA250() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.DROP_AFTER_354, 0, 0, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            assertThat(c.expect(451)).startsWith("451 4.4.2 ");
            // the session goes on, and the broken connection is not reused
            c.send("RSET", 250);
        }
    }

    @Test
    void downstreamRefusalAtEndOfDataIsPassedOnWithItsCode() throws Exception {
        try (FaultyDownstream ds = new FaultyDownstream(FaultyDownstream.Fault.REFUSE_FINAL_REPLY, 0, 0, "PIPELINING");
             GatewayHarness gw = new GatewayHarness(ds.port(), var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            String r = c.deliver("a@other.org", "user@example.net", MESSAGE, 554);
            assertThat(r).matches("554 5\\.7\\.1 Content refused by downstream policy \\[ref \\w{8}\\]");
            c.send("QUIT", 221);
            assertThat(gw.awaitDecisions(1).get(0)).contains("\"verdict\":\"rejected\"", "\"decided_by\":\"downstream\"",
                    "\"downstream_reply\":\"554 5.7.1 Content refused by downstream policy\"");
        }
    }
}
