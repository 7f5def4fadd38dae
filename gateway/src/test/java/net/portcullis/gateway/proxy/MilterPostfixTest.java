package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.NsdServer;
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * Milter mode behind a real Postfix (smtpd_milters pointing at the gateway's milter port): the
 * cases of the proxy suite give the same verdicts through Postfix as through the in-line proxy.
 * One gateway serves both shapes (one policy, one NSD, one decision log); Postfix and the gateway
 * relay to the same recording sink. Each case is sent both ways, from the same loopback
 * address, and the replies the client hears are compared step by step.
 */
class MilterPostfixTest {
    @TempDir
    static Path tmp;
    static NsdServer nsd;
    static Wiser sink;
    static GatewayHarness gw;
    static PostfixServer postfix;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PostfixServer.available(), "needs root and the postfix package (bin/test installs it; CI runs as root)");
        nsd = dns(Files.createDirectories(tmp.resolve("dns")));
        sink = GatewayHarness.wiser((f, r) -> true);
        Path lists = Files.createDirectories(tmp.resolve("lists"));
        for (String f : List.of("partner_networks.txt", "dynamic_patterns.txt", "greylist_providers.txt")) {
            Files.writeString(lists.resolve(f), "");
        }
        Files.writeString(lists.resolve("optin_domains.txt"), "example.net\n");
        Files.writeString(lists.resolve("cn_domains.txt"), "example.org\n");
        Files.writeString(lists.resolve("optout_domains.txt"), "example.com\n");
        Path var = Files.createDirectories(tmp.resolve("var"));
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-hold.rules"), MilterProtocolTest.HOLD_RULE);
        gw = new GatewayHarness(GatewayHarness.port(sink), var,
                "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: " + lists + "}\n"
                        + "milter: {listen: \"127.0.0.1:0\"}\n"
                        + "uribl: {zones: [{zone: dbl.portcullis.test, codes: {\"127.0.1.4\": phishing domain}}]}\n"
                        + "antivirus: {servers: [\"" + net.portcullis.policy.av.ClamdServer.shared().address() + "\"]}\n"
                        + "rspamd: {servers: [\"" + net.portcullis.policy.content.RspamdServer.shared().url() + "\"]}\n",
                new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2)));
        gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, "127.0.0.7", "spam reports", "reports",
                Instant.now(), null));
        gw.gateway.lists().load();
        gw.gateway.consentStore().registerSender("shop.example", "marketer", "test", Instant.now());
        gw.gateway.consentStore().append(new ConsentEvent(0, "u1@example.net", "shop.example", ConsentEvent.Action.GRANT, "web-form",
                "form https://shop.example/signup", "test", Instant.now(), null));
        postfix = new PostfixServer(GatewayHarness.port(sink), """
                smtpd_milters = inet:127.0.0.1:%d
                milter_default_action = tempfail
                milter_protocol = 6
                """.formatted(gw.gateway.milterPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (gw != null) {
            gw.close();
        }
        if (sink != null) {
            sink.stop();
        }
        if (nsd != null) {
            nsd.close();
        }
    }

    /**
     * Loopback clients 127.0.0.1-9 with forward-confirmed names; other.org and shop.example with
     * SPF for them (shop.example only for .1); bankco.com's DMARC rejects; football.example.com
     * signs with DKIM (RFC 8463's keys, dkimpy's test data) and publishes DMARC reject.
     */
    static NsdServer dns(Path dir) throws Exception {
        String soa = "@ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300\n@ IN NS ns.other.org.\n";
        StringBuilder ptr = new StringBuilder("$ORIGIN 0.0.127.in-addr.arpa.\n$TTL 300\n" + soa);
        StringBuilder other = new StringBuilder("$ORIGIN other.org.\n$TTL 300\n" + soa + "ns IN A 127.0.0.1\n"
                + "@ IN TXT \"v=spf1 ip4:127.0.0.0/24 -all\"\n");
        for (int i = 1; i <= 9; i++) {
            ptr.append(i).append(" IN PTR client").append(i).append(".other.org.\n");
            other.append("client").append(i).append(" IN A 127.0.0.").append(i).append('\n');
        }
        Map<String, String> zones = Map.of(
                "0.0.127.in-addr.arpa", ptr.toString(),
                "other.org", other.toString(),
                "shop.example", "$ORIGIN shop.example.\n$TTL 300\n" + soa + "@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\n",
                "bankco.com", "$ORIGIN bankco.com.\n$TTL 300\n" + soa + "_dmarc IN TXT \"v=DMARC1; p=reject\"\n",
                "dbl.portcullis.test", "$ORIGIN dbl.portcullis.test.\n$TTL 300\n" + soa + "bank-login.example IN A 127.0.1.4\n",
                "football.example.com", "$ORIGIN football.example.com.\n$TTL 300\n" + soa
                        + "@ IN TXT \"v=spf1 ip4:127.0.0.0/24 -all\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
                        + "brisbane._domainkey IN TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n");
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        for (var z : zones.entrySet()) {
            Path f = dir.resolve(z.getKey() + ".zone");
            Files.writeString(f, z.getValue());
            files.put(z.getKey(), f);
        }
        return new NsdServer(dir, files);
    }

    /** What a client heard in one session: each reply, a 2xx as its code alone, a refusal up to its reference. */
    static List<String> session(int port, String client, String helo, String from, List<String> rcpts, String message) throws Exception {
        List<String> heard = new ArrayList<>();
        try (SmtpTestClient c = new SmtpTestClient(client, port)) {
            c.expect(220);
            c.write("EHLO " + helo + "\r\n");
            heard.add(normal(c.read()));
            c.write("MAIL FROM:<" + from + ">\r\n");
            heard.add(normal(c.read()));
            boolean any = false;
            for (String r : rcpts) {
                c.write("RCPT TO:<" + r + ">\r\n");
                String reply = normal(c.read());
                heard.add(reply);
                any |= reply.equals("250");
            }
            if (any) {
                c.send("DATA", 354);
                c.write(message.replace("\r\n.", "\r\n..") + ".\r\n");
                heard.add(normal(c.read()));
            }
            c.write("QUIT\r\n");
        }
        return heard;
    }

    private static String normal(List<String> reply) {
        String last = reply.get(reply.size() - 1);
        if (last.startsWith("2")) {
            return last.substring(0, 3);
        }
        int ref = last.indexOf(" [ref ");
        return ref < 0 ? last : last.substring(0, ref);
    }

    /** The case both ways; asserts the client heard the same, and returns it. */
    static List<String> sameBothWays(String client, String helo, String from, List<String> rcpts, String message) throws Exception {
        List<String> proxy = session(gw.port(), client, helo, from, rcpts, message);
        List<String> milter = session(postfix.port, client, helo, from, rcpts, message);
        assertThat(milter).as("through Postfix and milter, as through the proxy").isEqualTo(proxy);
        return proxy;
    }

    static String plain(String from, String subject) {
        return "From: " + from + "\r\nTo: user@example.net\r\nSubject: " + subject + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@other.org>\r\n\r\nhello\r\n";
    }

    /** The copies of a message (by Subject) that reached the sink, waiting for Postfix's queue. */
    static List<String> arrived(String subject, int n) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        List<String> out = new ArrayList<>();
        while (System.currentTimeMillis() < end) {
            out.clear();
            for (WiserMessage m : sink.getMessages()) {
                String data = new String(m.getData(), StandardCharsets.UTF_8);
                if (data.contains("Subject: " + subject + "\r\n")) {
                    out.add(data);
                }
            }
            if (out.size() >= n) {
                return out;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(n + " copies of '" + subject + "' expected at the sink, " + out.size() + " came; Postfix: " + postfix.log());
    }

    /** The milter's decision line for a sender. */
    static String milterDecision(String sender) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            for (String d : gw.decisions) {
                if (d.contains("\"via\":\"milter\"") && d.contains("\"sender\":\"" + sender + "\"")) {
                    return d;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no milter decision for " + sender + " in " + gw.decisions);
    }

    @Test
    void aRelayAttemptIsRefusedThoughPostfixWouldRelayForItsNetworks() throws Exception {
        assertThat(sameBothWays("127.0.0.5", "client5.other.org", "relay@other.org", List.of("victim@elsewhere.test", "user@example.net"),
                plain("relay@other.org", "relay attempt"))).containsExactly("250", "250", "550 5.7.1 Relay access denied", "250", "250");
        assertThat(arrived("relay attempt", 2)).allSatisfy(m -> assertThat(m).doesNotContain("victim@elsewhere.test"));
        assertThat(sink.getMessages()).extracting(WiserMessage::getEnvelopeReceiver).doesNotContain("victim@elsewhere.test");
        assertThat(milterDecision("relay@other.org")).contains("\"decided_by\":\"relay.closed\"");
        assertThat(postfix.log()).contains("milter-reject: RCPT from unknown[127.0.0.5]: 550 5.7.1 Relay access denied [ref ");
    }

    @Test
    void aTrustedClientRelaysBothWays() throws Exception {
        assertThat(sameBothWays("127.0.0.2", "client2.other.org", "trusted@other.org", List.of("someone@elsewhere.test"),
                plain("trusted@other.org", "trusted relay"))).containsExactly("250", "250", "250", "250");
        assertThat(arrived("trusted relay", 2)).hasSize(2);
    }

    @Test
    void aBlacklistedClientIsRefused() throws Exception {
        assertThat(sameBothWays("127.0.0.7", "client7.other.org", "bl@other.org", List.of("user@example.net"), plain("bl@other.org", "x")))
                .containsExactly("250", "250", "554 5.7.1 Client host 127.0.0.7 is blacklisted here: spam reports (reports)");
    }

    @Test
    void aLinkToAListedDomainAndMalwareAreRefusedAtTheEndOfDataBothWays() throws Exception {
        String phish = plain("a@other.org", "account").replace("\r\n\r\nhello\r\n",
                "\r\nContent-Type: text/html\r\n\r\n<a href=\"https://login.bank-login.example/\">verify</a>\r\n");
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "a@other.org", List.of("user@example.net", "u2@example.net"), phish))
                .containsExactly("250", "250", "250", "250",
                        "554 5.7.1 Message refused: it links to bank-login.example, which dbl.portcullis.test lists");
        String eicar = net.portcullis.policy.av.ClamdServer.EICAR;
        String zipped = plain("a@other.org", "invoice").replace("\r\n\r\nhello\r\n", "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nattached\r\n--b\r\n"
                + "Content-Type: application/zip; name=\"invoice.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(zip("invoice.com", eicar.getBytes())) + "\r\n--b--\r\n");
        List<String> heard = sameBothWays("127.0.0.4", "client4.other.org", "a@other.org", List.of("user@example.net", "u2@example.net"),
                zipped);
        assertThat(heard.subList(0, 4)).containsOnly("250");
        assertThat(heard.get(4)).startsWith("554 5.7.1 Message refused: it carries malware (Eicar-Test-Signature");
    }

    @Test
    void aMessagePastClamdsStreamMaxLengthGetsTheConfiguredActionBothWays() throws Exception {
        // past the test clamd's 2M: not scanned, and the shipped rule scores it: delivered both ways
        String big = plain("big@other.org", "too big to scan").replace("\r\n\r\nhello\r\n",
                "\r\n\r\n" + ("0123456789".repeat(10) + "\r\n").repeat(30_000));
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "big@other.org", List.of("user@example.net"), big))
                .containsExactly("250", "250", "250", "250");
        assertThat(milterDecision("big@other.org")).contains("\"av.too_big\":true");
    }

    @Test
    void rspamdsRejectOfGtubeIsRefusedBothWays() throws Exception {
        String gtube = plain("a@other.org", "gtube").replace("\r\n\r\nhello\r\n",
                "\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n");
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "a@other.org", List.of("user@example.net"), gtube)).containsExactly(
                "250", "250", "250", "554 5.7.1 Message refused as spam by content analysis (score 15)");
    }

    static byte[] zip(String name, byte[] content) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
            z.putNextEntry(new java.util.zip.ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return b.toByteArray();
    }

    @Test
    void aDmarcRejectDomainsForgeryIsRefusedAtTheEndOfData() throws Exception {
        String msg = plain("Bank <service@bankco.com>", "verify your account");
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "dm@other.org", List.of("user@example.net"), msg)).containsExactly(
                "250", "250", "250", "550 5.7.26 Unauthenticated mail from bankco.com is refused: the domain's DMARC policy is reject");
    }

    @Test
    void commercialMailWithoutConsentIsRefusedAndWithConsentPasses() throws Exception {
        String ad = "From: Shop <news@shop.example>\r\nTo: you\r\nSubject: Sale\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <ad@shop.example>\r\nList-Unsubscribe: <mailto:unsub@shop.example>\r\nFeedback-ID: 1:campaign:shop\r\n\r\nSale!\r\n";
        assertThat(sameBothWays("127.0.0.1", "client1.other.org", "news@shop.example", List.of("u1@example.net", "u2@example.net"), ad))
                .containsExactly("250", "250", "250",
                        "550 5.7.1 No opt-in on record: u2@example.net has not agreed to commercial mail from shop.example", "250");
        assertThat(arrived("Sale", 2)).allSatisfy(m -> assertThat(m).contains("Authentication-Results: mx.example.net;"));
        assertThat(sink.getMessages()).extracting(WiserMessage::getEnvelopeReceiver).doesNotContain("u2@example.net");
    }

    @Test
    void aForgedSenderFailsSpfBothWays() throws Exception {
        List<String> heard = sameBothWays("127.0.0.3", "client3.other.org", "spf@shop.example", List.of("user@example.org"),
                plain("spf@shop.example", "spf fail"));
        assertThat(milterDecision("spf@shop.example")).contains("\"spf.result\":\"fail\"");
        if (heard.get(heard.size() - 1).equals("250")) {
            assertThat(arrived("spf fail", 2)).allSatisfy(m -> assertThat(m).contains("spf=fail smtp.mailfrom=shop.example"));
        }
    }

    @Test
    void heldMailGoesToPostfixsHoldQueueAndTheClientHears250BothWays() throws Exception {
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "a@held.example", List.of("user@example.net"),
                plain("a@held.example", "quarterly figures"))).containsExactly("250", "250", "250", "250");
        String decision = milterDecision("a@held.example");
        assertThat(decision).contains("\"verdict\":\"held\"", "in the MTA's hold queue");
        String ref = decision.replaceAll(".*\"ref\":\"([^\"]+)\".*", "$1");
        String queueId = decision.replaceAll(".*\"queue_id\":\"([^\"]+)\".*", "$1");
        assertThat(queueId).matches("[0-9A-Za-z]+");
        Path conf = Files.writeString(tmp.resolve("gateway.yaml"), gw.yaml);
        DecisionStoreEndToEndTest.Out shown = null;
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end; Thread.sleep(100)) {
            shown = DecisionStoreEndToEndTest.cli("log", "show", ref, "--config", conf.toString());
            if (shown.exit() == 0) {
                break;
            }
        }
        assertThat(DecisionStoreEndToEndTest.cli("log", "query", "--queue-id", queueId, "--json", "--config", conf.toString()).out())
                .as("the MTA's log line leads to the decision").contains("\"ref\":\"" + ref + "\"").contains("\"held\"");
        assertThat(DecisionStoreEndToEndTest.cli("log", "query", "--queue-id", "NOSUCHID", "--json", "--config", conf.toString()).out().strip())
                .isEqualTo("[]");
        assertThat(shown.out().replaceAll("\n +", " ")).contains("via       milter, the MTA's queue id " + queueId,
                "what now  held in the MTA's hold queue by rule hold-for-review: release it there (Postfix: postsuper -H " + queueId + ")");
        Eventually.within(Duration.ofSeconds(10), () -> postfix.log().contains("milter triggers HOLD action"));
        assertThat(postfix.log()).contains("milter-hold: END-OF-MESSAGE from unknown[127.0.0.4]: milter triggers HOLD action");
        Thread.sleep(1000); // time for Postfix to have delivered it, had it not held it
        assertThat(sink.getMessages()).noneMatch(m -> new String(m.getData(), StandardCharsets.UTF_8).contains("quarterly figures"));
        assertThat(gw.gateway.holds().list(true)).as("the proxy's copy, held by us").hasSize(1);
    }

    /** milter_default_action = tempfail (Postfix's default): with the gateway down nothing passes unchecked. */
    @Test
    void withTheMilterDownPostfixTempfailsAndNothingPassesUnchecked() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (PostfixServer down = new PostfixServer(GatewayHarness.port(sink), "smtpd_milters = inet:127.0.0.1:" + closed
                + "\nmilter_default_action = tempfail\nmilter_connect_timeout = 2s\n")) {
            List<String> heard = session(down.port, "127.0.0.4", "client4.other.org", "down@other.org", List.of("user@example.net"),
                    plain("down@other.org", "milter down"));
            assertThat(heard).containsExactly("250", "451 4.7.1 Service unavailable - try again later", "503 5.5.1 Error: need MAIL command");
        }
    }

    @Test
    void dkimAndDmarcPassOurAuthenticationResultsIsAddedAndAForgedOneRemoved() throws Exception {
        String signed = Files.readString(Path.of("../policy/src/test/resources/dkim/dkimpy-data/rfc6376.signed.msg"), StandardCharsets.UTF_8)
                .replace("\r\n", "\n").replace("\n", "\r\n");
        String msg = "Authentication-Results: mx.example.net; dkim=pass header.d=bankco.com\r\n"
                + "Authentication-Results: other.example; spf=pass\r\n" + signed;
        assertThat(sameBothWays("127.0.0.4", "client4.other.org", "joe@football.example.com", List.of("user@example.net"), msg))
                .containsExactly("250", "250", "250", "250");
        List<String> copies = arrived("Is dinner ready?", 2);
        for (String m : copies) {
            String ar = m.substring(m.indexOf("Authentication-Results: mx.example.net;")).replaceAll("\\r\\n\\s+", " ");
            assertThat(ar).startsWith("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=football.example.com; "
                    + "dkim=pass header.d=football.example.com");
            assertThat(ar).contains("dmarc=pass header.from=football.example.com");
            assertThat(m).doesNotContain("dkim=pass header.d=bankco.com").contains("Authentication-Results: other.example; spf=pass");
        }
        assertThat(milterDecision("joe@football.example.com")).contains("\"verdict\":\"accepted\"", "\"dkim.result\":\"pass\"",
                        "\"mta\":{\"host\":\"internal.example.net\",\"daemon\":\"internal.example.net\",\"interface\":\"127.0.0.1\"}")
                .containsPattern("\"queue_id\":\"[0-9A-Za-z]+\"");
    }
}
