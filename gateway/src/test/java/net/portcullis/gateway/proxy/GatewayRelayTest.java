package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/** End to end over loopback: SMTP client → gateway → Wiser, every reply checked. */
class GatewayRelayTest {
    static final String MESSAGE = "From: a@other.org\r\nTo: user@example.net\r\nSubject: hello\r\n"
            + "Message-ID: <m1@other.org>\r\n\r\nHello there.\r\n";

    @TempDir
    Path var;
    Wiser downstream;
    GatewayHarness gw;

    @BeforeEach
    void start() throws Exception {
        downstream = GatewayHarness.wiser((from, rcpt) -> !rcpt.startsWith("nobody@"));
        Path users = var.resolve("users");
        java.nio.file.Files.writeString(users, net.portcullis.policy.PasswordFile.line("alice", "s3cret-pass".toCharArray()) + "\n");
        gw = new GatewayHarness(GatewayHarness.port(downstream), var, "auth: {users_file: " + users + "}");
    }

    @AfterEach
    void stop() {
        gw.close();
        downstream.stop();
    }

    @Test
    void receivedCarriesTheReverseNameOnlyWhenForwardConfirmed(@org.junit.jupiter.api.io.TempDir Path var) throws Exception {
        Wiser ds = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness g = new GatewayHarness(GatewayHarness.port(ds), var, null)) {
            g.dns.add("localhost", "A", "127.0.0.1");
            try (SmtpTestClient c = new SmtpTestClient(g.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.deliver("a@other.org", "user@example.net", MESSAGE, 250);
            }
            String data = new String(ds.getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
            assertThat(data).startsWith("Received: from client.other.org (localhost [127.0.0.1])\r\n");
        } finally {
            ds.stop();
        }
    }

    @Test
    void localDeliveryPassesByteForByteWithOurReceivedHeader() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            assertThat(c.expect(220)).contains("mx.example.net ESMTP");
            String ehlo = c.send("EHLO client.other.org", 250);
            assertThat(ehlo).contains("PIPELINING", "SIZE 26214400", "STARTTLS", "8BITMIME").doesNotContain("AUTH", "CHUNKING");
            String reply = c.deliver("a@other.org", "user@example.net", MESSAGE, 250);
            assertThat(reply).matches("250 .*\\[ref [A-Z0-9]{8}\\]");
            c.send("QUIT", 221);
        }
        assertThat(downstream.getMessages()).hasSize(1);
        WiserMessage m = downstream.getMessages().get(0);
        assertThat(m.getEnvelopeSender()).isEqualTo("a@other.org");
        assertThat(m.getEnvelopeReceiver()).isEqualTo("user@example.net");
        String data = new String(m.getData(), StandardCharsets.ISO_8859_1);
        // localhost has no A record here: the PTR name is not forward-confirmed, so not written
        assertThat(data).startsWith("Received: from client.other.org (unknown [127.0.0.1])\r\n\tby mx.example.net (Portcullis) with ESMTP id ");
        assertThat(data).contains("\tfor <user@example.net>;");
        assertThat(data.substring(data.indexOf("From: "))).isEqualTo(MESSAGE);
    }

    @Test
    void relayFromAnUntrustedClientIsRefusedAndNeverReachesTheDownstream() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            String r = c.send("RCPT TO:<victim@elsewhere.com>", 550);
            assertThat(r).matches("550 5\\.7\\.1 Relay access denied \\[ref ([A-Z0-9]{8})\\]");
            c.send("DATA", 503);
            c.send("QUIT", 221);
            String ref = r.replaceAll(".*\\[ref (\\w+)\\]", "$1");
            List<String> log = gw.awaitDecisions(1);
            assertThat(log).hasSize(1);
            assertThat(log.get(0)).contains("\"ref\":\"" + ref + "\"", "\"verdict\":\"rejected\"",
                    "\"decided_by\":\"relay.closed\"", "\"client\":\"127.0.0.1\"", "\"client_name\":\"localhost\"");
        }
        assertThat(downstream.getMessages()).isEmpty();
        assertThat(gw.downstreamConnections()).isZero();
    }

    @Test
    void aTrustedClientMayRelay() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient("127.0.0.2", gw.port())) {
            c.expect(220);
            c.send("EHLO submit.example.net", 250);
            c.deliver("me@example.net", "friend@elsewhere.com", MESSAGE, 250);
        }
        assertThat(downstream.getMessages()).extracting(WiserMessage::getEnvelopeReceiver).containsExactly("friend@elsewhere.com");
    }

    @Test
    void authIsOfferedOnlyUnderTlsAndAnAuthenticatedClientMayRelay() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO laptop", 250)).doesNotContain("AUTH");
            c.send("AUTH PLAIN " + plain("alice", "s3cret-pass"), 538);
            c.startTls();
            assertThat(c.send("EHLO laptop", 250)).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            c.send("AUTH PLAIN " + plain("alice", "wrong"), 535);
            c.send("AUTH PLAIN " + plain("alice", "s3cret-pass"), 235);
            c.deliver("alice@example.net", "friend@elsewhere.com", MESSAGE, 250);
        }
        String data = new String(downstream.getMessages().get(0).getData(), StandardCharsets.ISO_8859_1);
        assertThat(data).containsPattern("with ESMTPSA id [A-Z0-9]{8}\r\n\t\\(using TLSv1\\.[23] with cipher \\w+\\)");
        gw.awaitDecisions(1);
        assertThat(gw.decisions.get(0)).contains("\"auth_user\":\"alice\"", "\"tls\":\"TLSv1.");
    }

    @Test
    void unknownUserIsRefusedAtRcptWithTheDownstreamsAnswerAndOthersGoOn() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<nobody@example.net>", 553)).contains("address unknown").contains("[ref ");
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write(MESSAGE + ".\r\n");
            c.expect(250);
        }
        assertThat(downstream.getMessages()).extracting(WiserMessage::getEnvelopeReceiver).containsExactly("user@example.net");
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.write("MAIL FROM:<a@other.org>\r\nRCPT TO:<user@example.net>\r\nRCPT TO:<x@elsewhere.com>\r\n"
                    + "RCPT TO:<user2@example.org>\r\nDATA\r\n");
            c.expect(250);
            c.expect(250);
            c.expect(550);
            c.expect(250);
            c.expect(354);
            c.write(MESSAGE + ".\r\nQUIT\r\n");
            c.expect(250);
            c.expect(221);
        }
        assertThat(downstream.getMessages()).extracting(WiserMessage::getEnvelopeReceiver)
                .containsExactlyInAnyOrder("user@example.net", "user2@example.org");
    }

    @Test
    void eightBitAndDotLeadingLinesArriveIntact() throws Exception {
        byte[] body = ("Subject: x\r\n\r\n.leading dot\r\n..two dots\r\n.\u00e9t\u00e9 \u4e2d\u6587\r\nend\r\n")
                .getBytes(StandardCharsets.UTF_8);
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org> BODY=8BITMIME", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            String stuffed = new String(body, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..");
            c.writeBytes((stuffed + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            c.expect(250);
        }
        byte[] got = downstream.getMessages().get(0).getData();
        String s = new String(got, StandardCharsets.ISO_8859_1);
        assertThat(s.substring(s.indexOf("Subject: x"))).isEqualTo(new String(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void bareLineFeedOrCarriageReturnIsRefusedAndCannotSmuggleACommand() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            // The classic smuggling payload: a bare-LF "end of data" followed by a second transaction.
            c.write("Subject: a\r\n\r\nhi\n.\nMAIL FROM:<admin@example.net>\nRCPT TO:<user@example.net>\nDATA\nforged\r\n.\r\n");
            assertThat(c.expect(554)).contains("5.5.2", "bare CR or LF");
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.write("Subject: b\r\n\r\nbare\rcr\r\n.\r\n");
            c.expect(554);
            c.send("NOOP", 250);
        }
        assertThat(downstream.getMessages()).isEmpty();
    }

    @Test
    void aMessageLargerThanTheMemoryThresholdIsSpooledAndArrivesIntact() throws Exception {
        gw.close();
        gw = new GatewayHarness(GatewayHarness.port(downstream), var, "spool: {memory_threshold: 4K}");
        StringBuilder body = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; i < 5000; i++) {
            body.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" \u00e9 of a long message\r\n");
        }
        String msg = body.toString();
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("DATA", 354);
            c.writeBytes((msg.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.UTF_8));
            c.expect(250);
        }
        String data = new String(downstream.getMessages().get(0).getData(), StandardCharsets.UTF_8);
        assertThat(data.substring(data.indexOf("Subject: big"))).isEqualTo(msg);
        try (var files = java.nio.file.Files.list(var.resolve("spool"))) {
            assertThat(files.count()).as("spool files are deleted after the transaction").isZero();
        }
    }

    @Test
    void downstreamConnectionsAreReusedAcrossTransactions() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.deliver("a@other.org", "user@example.net", MESSAGE, 250);
                c.send("QUIT", 221);
            }
        }
        assertThat(downstream.getMessages()).hasSize(3);
        assertThat(gw.gateway.pool().opened()).as("the start-up probe's connection, reused").isEqualTo(1);
        assertThat(gw.gateway.pool().reused()).as("every transaction on it").isEqualTo(3);
    }

    @Test
    void abortedTransactionResetsTheDownstreamSoTheNextOneIsClean() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<first@other.org>", 250);
            c.send("RCPT TO:<user@example.net>", 250);
            c.send("RSET", 250);
            c.deliver("second@other.org", "user2@example.net", MESSAGE, 250);
        }
        assertThat(downstream.getMessages()).extracting(WiserMessage::getEnvelopeSender).containsExactly("second@other.org");
        assertThat(gw.gateway.pool().opened()).as("the start-up probe's connection, reused").isEqualTo(1);
    }

    @Test
    void decisionLogHoldsNoSubjectOrBody() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.deliver("a@other.org", "user@example.net", MESSAGE, 250);
            c.send("QUIT", 221);
        }
        String line = gw.awaitDecisions(1).get(0);
        assertThat(line).contains("\"verdict\":\"accepted\"", "\"message_id\":\"<m1@other.org>\"", "\"size\":"
                + MESSAGE.length(), "\"downstream_reply\":\"250 ", "\"helo\":\"client.other.org\"", "\"latency_ms\":");
        assertThat(line).doesNotContain("hello", "Hello there");
    }

    private static String plain(String user, String pass) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + pass).getBytes(StandardCharsets.UTF_8));
    }
}
