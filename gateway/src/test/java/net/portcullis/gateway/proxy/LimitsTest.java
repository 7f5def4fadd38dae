package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** Size, recipients, line length, idle time and connections per client, each with its reply. */
class LimitsTest {
    @TempDir
    Path var;
    Wiser downstream;
    GatewayHarness gw;

    GatewayHarness start(String limits) throws Exception {
        downstream = GatewayHarness.wiser((f, r) -> true);
        gw = new GatewayHarness(GatewayHarness.port(downstream), var, "limits: {" + limits + "}");
        return gw;
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        if (downstream != null) {
            downstream.stop();
        }
    }

    @Test
    void oversizeIsRefusedBySizeParameterAndByActualSize() throws Exception {
        start("message_size: 2K");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO client.other.org", 250)).contains("SIZE 2048");
            assertThat(c.send("MAIL FROM:<a@other.org> SIZE=5000", 552)).contains("5.3.4");
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write("Subject: big\r\n\r\n" + ("x".repeat(70) + "\r\n").repeat(50) + ".\r\n");
            assertThat(c.expect(552)).startsWith("552 5.3.4 Message size exceeds fixed limit");
            c.send("NOOP", 250);
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void aClientThatSendsFarPastTheLimitIsDisconnected() throws Exception {
        start("message_size: 2K");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            String line = "y".repeat(98) + "\r\n";
            c.write(line.repeat(11_000)); // about 1.1 MB, past 2 x limit + 1 MB
            assertThat(c.expect(552)).startsWith("552 5.3.4");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void tooManyRecipientsGetA452AndTheRestIsDelivered() throws Exception {
        start("recipients: 2");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            twoRecipients(c);
            assertThat(c.send("RCPT TO:<u3@example.net>", 452)).startsWith("452 4.5.3 Too many recipients");
            c.send("DATA", 354);
            c.write("Subject: x\r\n\r\nhi\r\n.\r\n");
            c.expect(250);
        }
        assertThat(downstream.getMessages()).hasSize(2);
    }

    @Test
    void overlongLinesAreRefused() throws Exception {
        start("line_length: 100");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write("Subject: x\r\n\r\n" + "z".repeat(101) + "\r\n.\r\n");
            assertThat(c.expect(554)).startsWith("554 5.6.0 Message has a line longer than 100 octets");
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void connectionsPerClientAreLimitedAndTheRefusalIsLogged() throws Exception {
        start("connections_per_client: 2");
        try (SmtpTestClient a = new SmtpTestClient(gw.port()); SmtpTestClient b = new SmtpTestClient(gw.port())) {
            a.expect(220);
            b.expect(220);
            try (SmtpTestClient third = new SmtpTestClient(gw.port())) {
                assertThat(third.expect(421)).matches("421 4\\.7\\.0 Too many connections from your address, try again later \\[ref \\w{8}\\]");
            }
            try (SmtpTestClient other = new SmtpTestClient("127.0.0.3", gw.port())) {
                other.expect(220);
            }
        }
        assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"event\":\"connection_refused\"",
                "\"decided_by\":\"limits.connections_per_client\""));
    }

    @Test
    void connectionsPerNetworkAreLimitedAndFreedWhenASessionEnds() throws Exception {
        start("connections_per_network: 2");
        try (SmtpTestClient a = new SmtpTestClient("127.0.0.3", gw.port()); SmtpTestClient b = new SmtpTestClient("127.0.0.4", gw.port())) {
            a.expect(220);
            b.expect(220);
            // a third address of the same /24: the network has its two
            try (SmtpTestClient third = new SmtpTestClient("127.0.0.5", gw.port())) {
                assertThat(third.expect(421)).startsWith("421 4.7.0 Too many connections from your network, try again later [ref ");
            }
            try (SmtpTestClient elsewhere = new SmtpTestClient("127.0.1.5", gw.port())) {
                elsewhere.expect(220);
            }
            a.send("QUIT", 221);
        }
        // the sessions ended: the network's count went back down
        long until = System.nanoTime() + 5_000_000_000L;
        String greeting = null;
        while (System.nanoTime() < until) {
            try (SmtpTestClient again = new SmtpTestClient("127.0.0.5", gw.port())) {
                greeting = again.reply();
            }
            if (greeting.startsWith("220")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(greeting).startsWith("220");
        assertThat(gw.awaitDecisions(1)).anySatisfy(l -> assertThat(l).contains("\"event\":\"connection_refused\"",
                "\"decided_by\":\"limits.connections_per_network\""));
    }

    @Test
    void trustedClientsAreNeitherCappedNorCountedAgainstTheirNetwork() throws Exception {
        start("connections_per_network: 2, connections_per_client: 1"); // 127.0.0.2 is the harness's trusted network
        try (SmtpTestClient a = new SmtpTestClient("127.0.0.3", gw.port()); SmtpTestClient b = new SmtpTestClient("127.0.0.4", gw.port())) {
            a.expect(220);
            b.expect(220);
            // the untrusted neighbours filled the /24: the trusted relay host in it still gets in, twice at once
            try (SmtpTestClient t1 = new SmtpTestClient("127.0.0.2", gw.port()); SmtpTestClient t2 = new SmtpTestClient("127.0.0.2", gw.port())) {
                t1.expect(220);
                t2.expect(220);
                // and an untrusted third is still refused: the trusted sessions were not what filled the network
                try (SmtpTestClient third = new SmtpTestClient("127.0.0.5", gw.port())) {
                    assertThat(third.expect(421)).startsWith("421 4.7.0 Too many connections from your network");
                }
            }
        }
    }

    @Test
    void anIdleClientIsDisconnected() throws Exception {
        start("idle_timeout: 500ms");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            Thread.sleep(900);
            assertThat(c.expect(421)).contains("Timeout");
        }
    }

    @Test
    void aClientSilentInTheMiddleOfAMessageHears421AndNothingIsRelayed() throws Exception {
        start("idle_timeout: 500ms");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            twoRecipients(c);
            c.send("DATA", 354);
            c.write("Subject: half a message\r\n");
            long t0 = System.nanoTime();
            assertThat(c.expect(421)).startsWith("421 4.4.2 ").contains("Timeout");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("at the idle timeout").isBetween(400L, 5_000L);
            assertThat(c.closedByPeer()).as("the session is over").isTrue();
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void anIdleClientAfterStartTlsHears421OverTls() throws Exception {
        start("idle_timeout: 500ms");
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.startTls();
            c.send("EHLO client.other.org", 250);
            Thread.sleep(900);
            assertThat(c.expect(421)).contains("Timeout");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    /** Greets, and opens a transaction for two recipients. */
    private static void twoRecipients(SmtpTestClient c) throws java.io.IOException {
        c.send("EHLO client.other.org", 250);
        c.send("MAIL FROM:<a@other.org>", 250);
        c.send("RCPT TO:<u1@example.net>", 250);
        c.send("RCPT TO:<u2@example.net>", 250);
    }
}
