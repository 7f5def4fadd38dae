package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import net.portcullis.gateway.testing.Eventually;
import net.portcullis.policy.consent.ConsentEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * Consent over SMTP, with the shipped rules and profiles: example.net is opt-in, example.org
 * follows the China profile, example.com the opt-out profile. The marketer shop.example sends
 * from 127.0.0.1 (its SPF record); 127.0.0.3 plays a forger.
 */
class ConsentEndToEndTest {
    static final String TOKEN = "0123456789abcdef-test-token";
    @TempDir
    Path tmp;
    Wiser downstream;
    GatewayHarness gw;

    @BeforeEach
    void start() throws Exception {
        Path lists = Files.createDirectories(tmp.resolve("lists"));
        Files.writeString(lists.resolve("partner_networks.txt"), "");
        Files.writeString(lists.resolve("dynamic_patterns.txt"), "");
        Files.writeString(lists.resolve("optin_domains.txt"), "example.net\n");
        Files.writeString(lists.resolve("cn_domains.txt"), "example.org\n");
        Files.writeString(lists.resolve("optout_domains.txt"), "example.com\n");
        downstream = GatewayHarness.wiser((f, r) -> true);
        gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("var"),
                "rules: {directory: ../conf/rules, local: " + tmp.resolve("local.d") + ", lists: " + lists + "}\n"
                        + "consent: {refresh: 100ms, api_listen: \"127.0.0.1:0\", api_token: " + TOKEN + "}");
        gw.dns.add("shop.example", "TXT", "v=spf1 ip4:127.0.0.1 -all").add("client.shop.example", "A", "127.0.0.1")
                .add("3.0.0.127.in-addr.arpa", "PTR", "client.shop.example");
    }

    @AfterEach
    void stop() {
        gw.close();
        downstream.stop();
    }

    void consent(ConsentEvent.Action a, String rcpt) throws Exception {
        gw.gateway.consentStore().append(new ConsentEvent(0, rcpt, "shop.example", a, a == ConsentEvent.Action.GRANT ? "web-form" : "admin",
                "form https://shop.example/signup", "test", Instant.now(), null));
    }

    static String ad(String subject, boolean unsubscribe) {
        return "From: Shop <news@shop.example>\r\nTo: you\r\nSubject: " + subject + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <ad@shop.example>\r\n" + (unsubscribe ? "List-Unsubscribe: <mailto:unsub@shop.example>\r\n" : "")
                + "Feedback-ID: 1:campaign:shop\r\n\r\nSale!\r\n";
    }

    SmtpTestClient open(String from) throws Exception {
        SmtpTestClient c = new SmtpTestClient(from, gw.port());
        c.expect(220);
        c.send("EHLO client.shop.example", 250);
        return c;
    }

    @Test
    void aRegisteredBulkSenderReachesOnlyRecipientsWhoOptedIn() throws Exception {
        gw.gateway.consentStore().registerSender("shop.example", "marketer", "test", Instant.now());
        consent(ConsentEvent.Action.GRANT, "u1@example.net");
        try (SmtpTestClient c = open("127.0.0.1")) {
            c.send("MAIL FROM:<news@shop.example>", 250);
            c.send("RCPT TO:<u1@example.net>", 250);
            assertThat(c.send("RCPT TO:<u2@example.net>", 550)).startsWith(
                    "550 5.7.1 No opt-in on record: u2@example.net has not agreed to commercial mail from shop.example [ref ");
            c.send("DATA", 354);
            c.write(ad("Sale", true) + ".\r\n");
            c.expect(250);
        }
        assertThat(downstream.getMessages()).extracting(m -> m.getEnvelopeReceiver()).containsExactly("u1@example.net");
    }

    @Test
    void commercialContentIsRefusedUnlessEveryRecipientOptedIn() throws Exception {
        consent(ConsentEvent.Action.GRANT, "u1@example.net");
        try (SmtpTestClient c = open("127.0.0.1")) {
            c.send("MAIL FROM:<news@shop.example>", 250);
            c.send("RCPT TO:<u1@example.net>", 250);
            c.send("RCPT TO:<u2@example.net>", 250);
            c.send("DATA", 354);
            c.write(ad("Sale", true) + ".\r\n");
            assertThat(c.expect(550)).startsWith("550 5.7.1 Commercial mail refused: no opt-in on record for u2@example.net [ref ");
            c.deliver("news@shop.example", "u1@example.net", ad("Sale", true), 250);
        }
        assertThat(downstream.getMessages()).hasSize(1);
    }

    @Test
    void aForgedSenderCannotBorrowTheMarketersConsent() throws Exception {
        gw.gateway.consentStore().registerSender("shop.example", "marketer", "test", Instant.now());
        consent(ConsentEvent.Action.GRANT, "u1@example.net");
        try (SmtpTestClient c = open("127.0.0.3")) {
            c.send("MAIL FROM:<news@shop.example>", 250);
            assertThat(c.send("RCPT TO:<u1@example.net>", 550)).contains("No opt-in on record");
        }
        assertThat(gw.awaitDecisions(1).get(0)).contains("\"spf.result\":\"fail\"", "\"consent.granted\":false");
    }

    /** MAIL and RCPT on the open session (RSET after a 250) until RCPT is refused, at most 5 s: the reply. */
    private static String firstRefusal(SmtpTestClient c, String rcpt) throws Exception {
        return Eventually.value("RCPT TO:<" + rcpt + "> refused", Duration.ofSeconds(5), () -> {
            c.send("MAIL FROM:<news@shop.example>", 250);
            c.write("RCPT TO:<" + rcpt + ">\r\n");
            String r = c.reply();
            if (r.startsWith("250")) {
                c.send("RSET", 250);
            }
            return r;
        }, r -> !r.startsWith("250"));
    }

    @Test
    void aRevocationStopsMailFromTheNextTransaction() throws Exception {
        gw.gateway.consentStore().registerSender("shop.example", "marketer", "test", Instant.now());
        consent(ConsentEvent.Action.GRANT, "u1@example.net");
        try (SmtpTestClient c = open("127.0.0.1")) {
            c.deliver("news@shop.example", "u1@example.net", ad("Sale", true), 250);
            consent(ConsentEvent.Action.REVOKE, "u1@example.net");
            // within consent.refresh (100ms here) the next transaction is refused; until then the cached grant holds
            assertThat(firstRefusal(c, "u1@example.net")).startsWith("550");
        }
    }

    @Test
    void theChinaProfileWantsConsentALabelledSubjectAndAContact() throws Exception {
        consent(ConsentEvent.Action.GRANT, "u@example.org");
        try (SmtpTestClient c = open("127.0.0.1")) {
            assertThat(c.deliver("news@shop.example", "u@example.org", ad("Big sale", true), 550))
                    .contains("must begin its Subject with the advertising label AD");
            assertThat(c.deliver("news@shop.example", "u@example.org", ad("=?UTF-8?B?5bm/5ZGKIOWkp+S/g+mUgA==?=", false), 550))
                    .contains("must give a way to refuse further mail");
            c.deliver("news@shop.example", "u@example.org", ad("=?UTF-8?B?5bm/5ZGKIOWkp+S/g+mUgA==?=", true), 250);
            c.deliver("news@shop.example", "u@example.org", ad("AD: big sale", true), 250);
            assertThat(c.deliver("news@shop.example", "v@example.org", ad("AD: big sale", true), 550))
                    .contains("no opt-in on record for v@example.org");
        }
    }

    @Test
    void theOptOutProfileNeedsNoConsentButAWorkingUnsubscribeAndHonoursRevocations() throws Exception {
        try (SmtpTestClient c = open("127.0.0.1")) {
            c.deliver("news@shop.example", "u@example.com", ad("Sale", true), 250);
            assertThat(c.deliver("news@shop.example", "u@example.com", ad("Sale", false), 550))
                    .contains("must carry a working List-Unsubscribe header");
            consent(ConsentEvent.Action.REVOKE, "u@example.com");
            assertThat(firstRefusal(c, "u@example.com")).contains("u@example.com has unsubscribed from mail of shop.example");
        }
    }

    @Test
    void theHttpApiRecordsAndReportsConsentBehindItsToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gw.gateway.consentApiPort() + "/v1/consent";
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "?recipient=u@example.net&sender=shop.example"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"grant\",\"recipient\":\"u@example.net\",\"sender\":\"shop.example\","
                        + "\"method\":\"double-opt-in\",\"evidence\":\"token 8f2c\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"confirm\",\"recipient\":\"u@example.net\",\"sender\":\"shop.example\","
                        + "\"evidence\":\"confirmation <c1@shop.example>\"}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(base + "?recipient=u@example.net&sender=shop.example"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(state.body()).contains("\"status\":\"active\"", "\"method\":\"double-opt-in\"", "\"action\":\"confirm\"");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"grant\",\"recipient\":\"nobody\",\"sender\":\"shop.example\","
                        + "\"method\":\"web-form\",\"evidence\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("recipient 'nobody' is neither an address");
    }

    /** Every malformed request gets a 4xx with a JSON error; none closes the connection unanswered. */
    @Test
    void malformedRequestsGetA4xxJsonErrorNeverASilentClose() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gw.gateway.consentApiPort();
        java.util.List<String> bodies = new java.util.ArrayList<>(java.util.List.of("null", "[]", "42", "\"x\"", "{", "",
                "{\"action\":null}", "{\"action\":[1,2]}", "{\"action\":\"grant\",\"recipient\":{\"a\":1},\"sender\":\"s.example\","
                        + "\"method\":\"web-form\",\"evidence\":\"x\"}",
                "{\"action\":\"grant\",\"recipient\":\"u@example.net\",\"sender\":\"shop.example\",\"method\":\"web-form\","
                        + "\"evidence\":\"x\",\"until\":\"tomorrow\"}", "[".repeat(5000), "{\"a\":" + "9".repeat(5000) + "}"));
        java.util.Random rnd = new java.util.Random(8259);
        for (int n = 0; n < 40; n++) {
            StringBuilder b = new StringBuilder("{\"action\":\"grant\",\"recipient\":\"u@example.net\",\"sender\":\"shop.example\"}");
            for (int k = 0; k < 4; k++) {
                b.setCharAt(rnd.nextInt(b.length()), "{}[]\",:0 a".charAt(rnd.nextInt(10)));
            }
            bodies.add(b.toString());
        }
        for (String body : bodies) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/consent")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(body).isBetween(400, 499);
            assertThat(r.body()).as(body).startsWith("{\"error\":");
        }
        for (String path : java.util.List.of("/v1/consentXYZ", "/v1/consent/extra", "/v1/consent%00")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        // a query no URI class would build, sent raw: the JDK's HTTP server refuses the request
        // line itself (400, no body of ours), before any handler; still a 4xx, never a silent close
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), gw.gateway.consentApiPort())) {
            s.getOutputStream().write(("GET /v1/consent?recipient=%zz&sender=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void healthSaysLiveAndWhetherTheMailServerAnswers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gw.gateway.adminPort();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .startsWith("ok\nmail server 127.0.0.1:").contains(" (default): up\n");
        try (GatewayHarness down = new GatewayHarness(FaultyDownstream.deadPort(), tmp.resolve("var-down"), null)) {
            String b2 = "http://127.0.0.1:" + down.gateway.adminPort();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(b2 + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("not ready: no mail server answers for default: [the mail server at 127.0.0.1:")
                    .contains("(default): down: ");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(b2 + "/health/live")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
        }
    }
}
