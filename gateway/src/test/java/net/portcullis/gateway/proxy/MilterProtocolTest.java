package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.app.Gateway;
import net.portcullis.gateway.milter.MilterPacket;
import net.portcullis.gateway.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The milter protocol, command by command, as an MTA speaks it (MilterTestClient plays Postfix):
 * negotiation, each callback's answer, the end-of-message modifications, sessions on a reused
 * connection, and every kind of broken packet — after which the server still serves the next MTA.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MilterProtocolTest {
    static final String HOLD_RULE = """
            rule hold-for-review
              stage data
              when mail.from_domain == "held.example"
              hold "mail from {mail.from_domain} is reviewed first"
            """;

    @TempDir
    Path var;
    GatewayHarness gw;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-hold.rules"), HOLD_RULE);
        gw = GatewayHarness.withWiser(var, "milter: {listen: \"127.0.0.1:0\", timeout: 2s, max_packet: 256K}\n");
        gw.dns.add("other.org", "TXT", "v=spf1 ip4:127.0.0.0/8 -all").add("client.other.org", "A", "127.0.0.1")
                .add("_dmarc.bankco.com", "TXT", "v=DMARC1; p=reject");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    MilterTestClient mta() throws Exception {
        return new MilterTestClient(gw.gateway.milterPort());
    }

    /** Negotiated, connected as 127.0.0.1 (helo client.other.org), MAIL (with the queue id macro). */
    MilterTestClient inTransaction(String sender) throws Exception {
        return session("127.0.0.1", "client.other.org", sender);
    }

    /** Negotiated as Postfix, a client connected from {@code ip}, its HELO and MAIL each answered 'continue'. */
    /** A message from a@other.org to user@example.net whose only answer at the end is a reply code: its text. */
    String refusalAtTheEnd(String headers, String body) throws Exception {
        try (MilterTestClient m = inTransaction("a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
            List<MilterPacket> out = m.message(headers, body);
            assertThat(out).hasSize(1);
            MilterTestClient.assertCode(out.get(0), 'y');
            return MilterTestClient.text(out.get(0));
        }
    }

    MilterTestClient session(String ip, String helo, String sender) throws Exception {
        MilterTestClient m = mta();
        m.negotiate();
        MilterTestClient.assertCode(m.connect("unknown", ip), 'c');
        MilterTestClient.assertCode(m.command('H', helo), 'c');
        m.macros('M', "i", "4XyZ1AbC", "{auth_type}", "");
        MilterTestClient.assertCode(m.command('M', "<" + sender + ">", "SIZE=100"), 'c');
        return m;
    }

    @Test
    void negotiationOffersOurActionsAndAsksForTheQueueIdAtEveryStage() throws Exception {
        try (MilterTestClient m = mta()) {
            MilterPacket r = m.negotiate();
            assertThat(r.code()).isEqualTo('O');
            byte[] d = r.data();
            assertThat(MilterPacket.int32(d, 0)).isEqualTo(6);
            assertThat(MilterPacket.int32(d, 4)).isEqualTo(0x01 | 0x10 | 0x20 | 0x100); // ADDHDRS CHGHDRS QUARANTINE SETSYMLIST
            assertThat(MilterPacket.int32(d, 8)).isEqualTo(0x80 | 0x100 | 0x200 | 0x100000); // NR_HDR NOUNKNOWN NODATA HDR_LEADSPC
            java.util.Map<Integer, String> lists = new java.util.TreeMap<>();
            for (int at = 12; at < d.length; ) {
                int stage = MilterPacket.int32(d, at);
                int end = at + 4;
                while (d[end] != 0) {
                    end++;
                }
                lists.put(stage, new String(d, at + 4, end - at - 4, StandardCharsets.US_ASCII));
                at = end + 1;
            }
            assertThat(lists).containsOnlyKeys(0, 1, 2, 3, 4, 5, 6);
            assertThat(lists.get(0)).contains("{daemon_name}", "{if_addr}");
            assertThat(lists.get(1)).contains("{tls_version}");
            assertThat(lists.get(2)).contains("i", "{auth_authen}");
            assertThat(lists.get(5)).isEqualTo("i");
        }
    }

    @Test
    void anOldMtaGetsItsOwnVersionAndNoMacroListsAndOnlyWhatItOffered() throws Exception {
        try (MilterTestClient m = mta()) {
            MilterPacket r = m.negotiate(2, 0x3f, 0x7f);
            assertThat(r.data()).hasSize(12);
            assertThat(MilterPacket.int32(r.data(), 0)).isEqualTo(2);
            assertThat(MilterPacket.int32(r.data(), 4)).isEqualTo(0x01 | 0x10 | 0x20);
            assertThat(MilterPacket.int32(r.data(), 8)).isZero();
            // without SMFIP_NR_HDR every header is answered
            MilterTestClient.assertCode(m.connect("x", "127.0.0.1"), 'c');
            MilterTestClient.assertCode(m.command('H', "client.other.org"), 'c');
            MilterTestClient.assertCode(m.command('M', "<a@other.org>"), 'c');
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
            // nor could it skip DATA or unknown commands: each is answered
            MilterTestClient.assertCode(m.command('U', "XYZZY"), 'c');
            MilterTestClient.assertCode(m.command('T'), 'c');
            MilterTestClient.assertCode(m.command('L', "From", "a@other.org"), 'c');
            MilterTestClient.assertCode(m.command('N'), 'c');
            m.send('B', "hi\r\n".getBytes(StandardCharsets.US_ASCII));
            MilterTestClient.assertCode(m.read(), 'c');
            m.send('E', new byte[0]);
            assertThat(m.answer()).extracting(MilterPacket::code).containsExactly('i', 'c');
        }
    }

    @Test
    void aRelayAttemptIsRefusedAtRcptEvenThoughTheMtaWouldRelayAndOurRecipientsPass() throws Exception {
        try (MilterTestClient m = inTransaction("a@other.org")) {
            MilterPacket r = m.command('R', "<victim@elsewhere.test>");
            MilterTestClient.assertCode(r, 'y');
            assertThat(MilterTestClient.text(r)).startsWith("550 5.7.1 Relay access denied [ref ");
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
            m.send('A', new byte[0]);
            m.send('Q', new byte[0]);
        }
        String line = gw.awaitDecisions(1).get(0);
        assertThat(line).contains("\"via\":\"milter\"", "\"queue_id\":\"4XyZ1AbC\"", "victim@elsewhere.test", "relay");
    }

    @Test
    void aTrustedClientMayRelay() throws Exception {
        try (MilterTestClient m = session("127.0.0.2", "trusted.example.net", "a@example.net")) {
            MilterTestClient.assertCode(m.command('R', "<someone@elsewhere.test>"), 'c');
        }
    }

    @Test
    void endOfMessageAddsOurAuthenticationResultsAndRemovesTheOnesForgedUnderOurName() throws Exception {
        try (MilterTestClient m = inTransaction("a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
            m.macros('E', "i", "4XyZ1AbC");
            List<MilterPacket> out = m.message("Authentication-Results: other.example; spf=pass\r\n"
                    + "Authentication-Results: mx.example.net; dkim=pass header.d=bankco.com\r\n"
                    + "From: a@other.org\r\nTo: user@example.net\r\nSubject: s\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                    + "Message-ID: <1@other.org>\r\n", "body\r\n");
            assertThat(out).extracting(MilterPacket::code).containsExactly('m', 'i', 'c');
            assertThat(MilterPacket.int32(out.get(0).data(), 0)).isEqualTo(2); // the second Authentication-Results
            assertThat(MilterTestClient.text(out.get(0)).substring(4)).isEqualTo("Authentication-Results||");
            assertThat(MilterPacket.int32(out.get(1).data(), 0)).isZero();
            assertThat(MilterTestClient.text(out.get(1)).substring(4)).isEqualTo("Authentication-Results| mx.example.net; "
                    + "spf=pass smtp.mailfrom=other.org; dkim=none; dmarc=none header.from=other.org|");
        }
        String line = gw.awaitDecisions(1).get(0);
        assertThat(line).contains("\"verdict\":\"accepted\"", "\"queue_id\":\"4XyZ1AbC\"", "\"message_id\":\"<1@other.org>\"");
        assertThat(gw.downstream().getMessages()).as("the MTA delivers, not us").isEmpty();
    }

    @Test
    void aMessageWithMoreForgedAuthenticationResultsThanWeRemoveIsRefusedNotPassedWithSomeLeft() throws Exception {
        String forged = "Authentication-Results: mx.example.net; dkim=pass\r\n".repeat(1001);
        assertThat(refusalAtTheEnd(forged + "From: a@other.org\r\n", "x\r\n"))
                .startsWith("554 5.7.1 Message refused: too many Authentication-Results fields");
    }

    @Test
    void aHeaderPastWhatTheChecksReadIsRefusedAsThroughTheProxy() throws Exception {
        String filler = ("X-Filler: " + "x".repeat(900) + "\r\n").repeat(300);
        assertThat(refusalAtTheEnd("From: a@other.org\r\n" + filler + "Authentication-Results: mx.example.net; dkim=pass\r\n", "x\r\n"))
                .startsWith("552 5.3.4 Message header exceeds fixed maximum size of 256 KB [ref ");
    }

    @Test
    void aDmarcRejectDomainsForgeryIsRefusedWithOurReplyCode() throws Exception {
        assertThat(refusalAtTheEnd("From: Bank <service@bankco.com>\r\nTo: user@example.net\r\nSubject: verify\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@other.org>\r\n", "click\r\n"))
                .startsWith("550 5.7.26 Unauthenticated mail from bankco.com is refused: the domain's DMARC policy is reject [ref ");
    }

    @Test
    void aSpamReportIsTakenInAndDiscardedSoTheMtaNeitherDeliversNorBouncesIt() throws Exception {
        gw.close();
        // a made-up reported message: with the decision log not stored, our Received field in it is taken at its word
        gw = GatewayHarness.withWiser(var, "milter: {listen: \"127.0.0.1:0\"}\nreports: {address: spam-reports@example.net, reporters: 1}\n"
                + "log: {store: false}\n");
        String original = "Received: from spam.example ([203.0.113.9]) by mx.example.net (Portcullis) with ESMTP id X;"
                + " Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: deals@spam.example\r\nMessage-ID: <r1@spam.example>\r\n\r\nbuy\r\n";
        // a user's forward through the MTA from our trusted network (127.0.0.2): it counts
        try (MilterTestClient m = session("127.0.0.2", "mail.example.net", "alice@example.net")) {
            MilterTestClient.assertCode(m.command('R', "<spam-reports@example.net>"), 'c');
            assertThat(MilterTestClient.text(m.command('R', "<user@example.net>"))).contains("Send spam reports in a transaction of their own");
            List<MilterPacket> out = m.message("From: alice@example.net\r\nTo: spam-reports@example.net\r\nSubject: spam\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n",
                    "--b\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n--b--\r\n");
            assertThat(out).extracting(MilterPacket::code).containsExactly('d');
            m.command('M', "<alice@example.net>");
            m.command('R', "<spam-reports@example.net>");
            out = m.message("From: alice@example.net\r\nSubject: no attachment\r\n", "just text\r\n");
            assertThat(MilterTestClient.text(out.get(0))).startsWith("550 5.6.0 Report refused: no reported message attached");
        }
        assertThat(gw.gateway.listStore().all()).extracting(net.portcullis.policy.store.ListEntry::value).containsExactly("203.0.113.9");
        assertThat(gw.awaitDecisions(2).get(0)).contains("\"decided_by\":\"reports\"", "\"verdict\":\"accepted\"");
    }

    @Test
    void aHoldRuleQuarantinesInTheMta() throws Exception {
        try (MilterTestClient m = inTransaction("a@held.example")) {
            m.command('R', "<user@example.net>");
            List<MilterPacket> out = m.message("From: a@held.example\r\nSubject: quarterly\r\n", "SECRET\r\n");
            assertThat(out).extracting(MilterPacket::code).containsExactly('i', 'q', 'c');
            assertThat(MilterTestClient.text(out.get(1))).startsWith("Portcullis [ref ").contains("hold-for-review: mail from held.example");
        }
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"verdict\":\"held\"", "in the MTA's hold queue");
        assertThat(gw.gateway.holds().list(true)).as("held by the MTA, not by us").isEmpty();
    }

    @Test
    void holdWithoutTheMtasQuarantineIsATemporaryRefusalNeverAPass() throws Exception {
        try (MilterTestClient m = mta()) {
            m.negotiate(6, 0x01 | 0x10, MilterTestClient.POSTFIX_PROTOCOL);
            m.connect("client.other.org", "127.0.0.1");
            m.command('H', "client.other.org");
            m.command('M', "<a@held.example>");
            m.command('R', "<user@example.net>");
            List<MilterPacket> out = m.message("From: a@held.example\r\nSubject: q\r\n", "x\r\n");
            assertThat(out).hasSize(1);
            assertThat(MilterTestClient.text(out.get(0))).startsWith("451 4.7.0 Message held for review, try again later [ref ");
        }
    }

    @Test
    void aBlacklistedClientIsRefusedAtEachRecipientAndTheRefusalSticksForTheSession() throws Exception {
        gw.gateway.listStore().put(new net.portcullis.policy.store.ListEntry(0, net.portcullis.policy.store.ListEntry.Color.BLACK,
                net.portcullis.policy.store.ListEntry.Kind.IP, "127.0.0.7", "spam reports", "admin", java.time.Instant.now(), null));
        gw.gateway.lists().load();
        try (MilterTestClient m = session("127.0.0.7", "bot.example", "a@other.org")) {
            MilterPacket r = m.command('R', "<user@example.net>");
            assertThat(MilterTestClient.text(r)).startsWith("554 5.7.1 Client host 127.0.0.7 is blacklisted here: spam reports (admin) [ref ");
            m.send('A', new byte[0]);
            m.command('H', "other-name.example");
            m.command('M', "<b@other.org>");
            assertThat(MilterTestClient.text(m.command('R', "<user@example.net>"))).startsWith("554 5.7.1 Client host 127.0.0.7");
        }
    }

    @Test
    void sessionsFollowOneAnotherOnOneConnectionAndALocalSubmissionIsNotJudged() throws Exception {
        try (MilterTestClient m = session("127.0.0.9", "x.example", "a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'y');
            m.send('K', new byte[0]); // QUIT_NC: the next client on this connection
            m.send('C', MilterTestClient.connectData("localhost", 'L', 0, "/var/run/sock"));
            MilterTestClient.assertCode(m.read(), 'a');
            m.send('K', new byte[0]);
            MilterTestClient.assertCode(m.connect("trusted", "127.0.0.2"), 'c');
            m.command('H', "trusted.example.net");
            m.command('M', "<a@example.net>");
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'c');
            m.send('Q', new byte[0]);
            assertThat(m.closedByServer()).isTrue();
        }
        assertThat(gw.awaitDecisions(2)).hasSize(2);
    }

    @Test
    void anIpv6ClientInSendmailsFormIsRead() throws Exception {
        try (MilterTestClient m = session("IPv6:2001:db8::25", "x.example", "a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'y');
        }
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"client\":\"2001:db8:0:0:0:0:0:25\"");
    }

    @Test
    void theMacrosOfLaterStagesWinAndAuthenticationComesFromTheMta() throws Exception {
        try (MilterTestClient m = mta()) {
            m.negotiate();
            m.macros('C', "j", "mx1.example.net", "{daemon_name}", "smtpd", "{if_addr}", "192.0.2.25");
            m.connect("unknown", "127.0.0.9");
            m.macros('H', "{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384");
            m.command('H', "x.example");
            m.macros('M', "i", "QID1", "{auth_authen}", "alice", "{auth_type}", "PLAIN");
            m.command('M', "<alice@example.net>");
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'c'); // authenticated: may relay
            m.macros('E', "i", "QID2");
            assertThat(m.message("From: alice@example.net\r\n", "hi\r\n").get(0).code()).isEqualTo('i');
        }
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"auth_user\":\"alice\"", "\"tls\":\"TLSv1.3\"", "\"queue_id\":\"QID2\"",
                "\"mta\":{\"host\":\"mx1.example.net\",\"daemon\":\"smtpd\",\"interface\":\"192.0.2.25\"}");
    }

    @Test
    void anAbortedTransactionIsLoggedOnceAndTheNextOneStartsClean() throws Exception {
        try (MilterTestClient m = inTransaction("a@other.org")) {
            m.command('R', "<user@example.net>");
            m.send('L', "From", " a@other.org");
            m.send('A', new byte[0]);
            m.command('M', "<b@other.org>");
            m.command('R', "<user2@example.net>");
            m.macros('E', "i", "Q2");
            assertThat(m.message("From: b@other.org\r\n", "x\r\n")).extracting(MilterPacket::code).endsWith('c');
        }
        List<String> lines = gw.awaitDecisions(2);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"verdict\":\"aborted\"", "\"sender\":\"a@other.org\"");
        assertThat(lines.get(1)).contains("\"verdict\":\"accepted\"", "\"sender\":\"b@other.org\"", "\"queue_id\":\"Q2\"");
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedWithoutBeingKept() throws Exception {
        gw.close();
        gw = GatewayHarness.withWiser(var, "milter: {listen: \"127.0.0.1:0\"}\nlimits: {message_size: 2K}\n");
        try (MilterTestClient m = inTransaction("a@other.org")) {
            m.command('R', "<user@example.net>");
            List<MilterPacket> out = m.message("From: a@other.org\r\n", "x".repeat(5000) + "\r\n");
            assertThat(MilterTestClient.text(out.get(0))).startsWith("552 5.3.4 Message size exceeds fixed limit of 2048 bytes");
        }
    }

    @Test
    void brokenPacketsCloseTheConnectionAndTheNextMtaIsServed() throws Exception {
        List<byte[]> broken = List.of(
                new byte[] {0, 0, 0, 0},                                  // length 0: no command
                new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'O'}, // 2 GB
                new byte[] {0, 4, 0, 1, 'L'},                             // over max_packet (256K)
                new byte[] {0, 0, 0, 9, 'O', 0, 0},                       // ends inside the packet
                new byte[] {0, 0},                                        // ends inside the length
                new MilterPacket('M', "<a@b>\0".getBytes(StandardCharsets.US_ASCII)).bytes(), // before negotiation
                new MilterPacket('O', new byte[] {0, 0, 0, 6}).bytes(),   // short negotiation
                new MilterPacket('O', new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}).bytes()); // version 1
        for (byte[] b : broken) {
            try (MilterTestClient m = mta()) {
                m.raw(b);
                assertThat(m.finish()).as("closed after %s", java.util.Arrays.toString(b)).isTrue();
            }
        }
        List<byte[]> brokenAfterNegotiation = List.of(
                new MilterPacket('Z', new byte[0]).bytes(),                           // unknown command
                new MilterPacket('R', "<u@example.net>\0".getBytes(StandardCharsets.US_ASCII)).bytes(), // RCPT before CONNECT/MAIL
                new MilterPacket('C', "host\0".getBytes(StandardCharsets.US_ASCII)).bytes(),           // no family
                new MilterPacket('C', MilterTestClient.connectData("h", 'X', 25, "1.2.3.4")).bytes(),  // unknown family
                new MilterPacket('C', MilterTestClient.connectData("h", '4', 25, "mx.example.com")).bytes(), // a name, not an address
                new MilterPacket('C', MilterTestClient.connectData("h", '4', 25, "999.1.1.1")).bytes(),
                new MilterPacket('D', new byte[0]).bytes(),                           // macro without a stage
                new MilterPacket('O', new byte[12]).bytes(),                          // negotiation again
                new MilterPacket('E', new byte[0]).bytes());                          // end of message outside a transaction
        for (byte[] b : brokenAfterNegotiation) {
            try (MilterTestClient m = mta()) {
                m.negotiate();
                m.raw(b);
                assertThat(m.finish()).as("closed after %s", new String(b, StandardCharsets.ISO_8859_1)).isTrue();
            }
        }
        try (MilterTestClient m = inTransaction("a@other.org")) {
            m.send('L', "From"); // a header without its value
            assertThat(m.finish()).isTrue();
        }
        try (MilterTestClient m = inTransaction("a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
        }
        assertThat(gw.gateway.metrics().scrape()).contains("portcullis_milter_protocol_errors_total 18.0");
        // each one a single warning line naming what was wrong, never a stack trace
        assertThat(net.portcullis.policy.testing.CapturedLog.lines()).filteredOn(l -> l.contains("milter: closing the connection from the MTA"))
                .hasSize(18).anySatisfy(l -> assertThat(l).contains("over milter.max_packet"))
                .allSatisfy(l -> assertThat(l).doesNotContain("\tat "));
    }

    /** Macros cannot fill the heap: only the protocol's stages are kept, and all kept ones together are bounded. */
    @Test
    void macrosAreBoundedPerConnectionAndAViolationClosesIt() throws Exception {
        try (MilterTestClient m = mta()) {
            m.negotiate();
            m.macros('x', "i", "QUEUE1"); // no such stage
            assertThat(m.finish()).isTrue();
        }
        String big = "v".repeat(40 * 1024);
        try (MilterTestClient m = mta()) {
            m.negotiate();
            m.macros('C', "{a}", big);
            m.macros('H', "{b}", big); // 80 KB kept over two stages: past the bound
            assertThat(m.finish()).isTrue();
        }
        try (MilterTestClient m = mta()) {
            m.negotiate();
            m.macros('C', "{a}", "v".repeat(64 * 1024 + 1)); // one packet past MilterConnection.MAX_MACRO_BYTES
            assertThat(m.finish()).isTrue();
        }
        // the same stage sent again replaces its macros: a long session stays within the bound
        try (MilterTestClient m = session("127.0.0.1", "client.other.org", "a@other.org")) {
            for (int i = 0; i < 50; i++) { // 50 KB of macros sent, 1 KB kept
                m.macros('R', "i", "Q" + i, "{pad}", "p".repeat(1000));
                MilterTestClient.assertCode(m.command('R', "<user" + i + "@example.net>"), 'c');
            }
        }
        assertThat(gw.gateway.metrics().scrape()).contains("portcullis_milter_protocol_errors_total 3.0");
    }

    @Test
    void randomAndMutatedPacketsNeverTakeTheServerDown() throws Exception {
        Random rnd = new Random(14);
        byte[] good = new MilterPacket('C', MilterTestClient.connectData("h", '4', 25, "127.0.0.1")).bytes();
        for (int i = 0; i < 300; i++) {
            try (MilterTestClient m = mta()) {
                m.negotiate();
                byte[] b;
                if (i % 2 == 0) {
                    b = good.clone();
                    for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                } else {
                    b = new byte[1 + rnd.nextInt(64)];
                    rnd.nextBytes(b);
                }
                m.raw(b);
                // whatever the server made of it, it answers and closes when we have sent all: it never hangs
                assertThat(m.finish()).as("closed after %s", java.util.Arrays.toString(b)).isTrue();
            }
        }
        try (MilterTestClient m = inTransaction("a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<user@example.net>"), 'c');
        }
        Eventually.within(Duration.ofSeconds(5), () -> gw.gateway.milterOpen() == 0);
        assertThat(gw.gateway.milterOpen()).as("every connection's thread ended").isZero();
    }

    @Test
    void anMtaSilentPastTheTimeoutIsClosed() throws Exception {
        try (MilterTestClient m = mta()) {
            m.negotiate();
            long t0 = System.nanoTime();
            assertThat(m.closedByServer()).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(1500L, 5000L);
        }
    }

    @Test
    void aMilterOnlyGatewayReloadsItsPolicyAndItsListenersStayClosed() throws Exception {
        gw.close();
        gw = GatewayHarness.withWiser(var, "listen: \"off\"\nmilter: {listen: \"127.0.0.1:0\"}\n");
        assertThat(gw.port()).isEqualTo(-1);
        try (MilterTestClient m = session("127.0.0.9", "x.example", "a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'y');
        }
        // as `portcullis milter` reads a gateway.yaml that also names SMTP listeners
        Path file = Files.writeString(var.resolve("gateway.yaml"), gw.yaml.replace("listen: \"off\"", "listen: 127.0.0.1:0")
                .replace("trusted_networks: [127.0.0.2/32]", "trusted_networks: [127.0.0.2/32, 127.0.0.9/32]"));
        try (MilterTestClient open = session("127.0.0.9", "x.example", "a@other.org")) {
            Gateway.Reload r = gw.gateway.reload(file);
            assertThat(r.applied()).as(r.error()).isTrue();
            assertThat(r.restartNeeded()).isEmpty();
            assertThat(gw.gateway.ports()).isEmpty();
            // the MTA's connection from before the reload is not dropped: its session goes on under the rules it began with
            MilterTestClient.assertCode(open.command('R', "<v@elsewhere.test>"), 'y');
        }
        try (MilterTestClient m = session("127.0.0.9", "x.example", "a@other.org")) {
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'c');
        }
    }

    @Test
    void aUnixSocketServesTheSameAndIsRemovedAtClose() throws Exception {
        gw.close();
        Path sock = var.resolve("milter.sock");
        gw = GatewayHarness.withWiser(var, "milter: {listen: \"unix:" + sock + "\"}\n");
        assertThat(sock).exists();
        assertThat(Files.getPosixFilePermissions(sock)).extracting(Object::toString).containsExactlyInAnyOrder(
                "OWNER_READ", "OWNER_WRITE", "GROUP_READ", "GROUP_WRITE");
        try (MilterTestClient m = new MilterTestClient(java.net.UnixDomainSocketAddress.of(sock))) {
            m.negotiate();
            m.connect("unknown", "127.0.0.9");
            m.command('H', "x.example");
            m.command('M', "<a@other.org>");
            MilterTestClient.assertCode(m.command('R', "<v@elsewhere.test>"), 'y');
        }
        gw.close();
        assertThat(sock).doesNotExist();
        gw = GatewayHarness.withWiser(var, null);
    }
}
