package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.consent.ConsentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * Safe unsubscribe: held commercial mail offering RFC 8058 one-click gets an Unsubscribe link
 * in the recipient's digest; the link asks, then POSTs List-Unsubscribe=One-Click to the sender
 * (a small server on loopback standing in for it) and records a withdrawal, after which the
 * consent rules refuse that sender's mail to that recipient.
 */
class UnsubscribeTest {
    @TempDir
    Path tmp;

    static String send(GatewayHarness gw, String rcpt, int code, String unsubscribeUri) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient("127.0.0.3", gw.port())) {
            c.expect(220);
            c.send("EHLO client.shop.example", 250);
            return c.deliver("news@shop.example", rcpt, "From: News <news@shop.example>\r\nTo: " + rcpt + "\r\nSubject: Big sale\r\n"
                    + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + System.nanoTime() + "@shop.example>\r\n"
                    + "List-Unsubscribe: <mailto:unsub@shop.example>, <" + unsubscribeUri + ">\r\n"
                    + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n"
                    + "Our big sale: 50% off everything. Buy now! Unsubscribe: " + unsubscribeUri + "\r\n", code);
        }
    }

    @Test
    void theDigestsUnsubscribeLinkDoesTheOneClickPostAndRecordsAWithdrawalTheConsentRulesThenEnforce() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer sender = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sender.createContext("/u/", ex -> {
            posts.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.US_ASCII) + " cookie=" + ex.getRequestHeaders().getFirst("Cookie"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        sender.start();
        Path lists = Files.createDirectories(tmp.resolve("lists"));
        Files.writeString(lists.resolve("partner_networks.txt"), "");
        Files.writeString(lists.resolve("dynamic_patterns.txt"), "");
        Files.writeString(lists.resolve("optin_domains.txt"), "");
        Files.writeString(lists.resolve("cn_domains.txt"), "");
        Files.writeString(lists.resolve("optout_domains.txt"), "example.com\n");
        Files.createDirectories(tmp.resolve("local.d"));
        Files.writeString(tmp.resolve("local.d/90-hold.rules"), """
                rule hold-shop
                  stage data
                  when mail.from_domain == "shop.example"
                  hold "mail from {mail.from_domain} is reviewed first"
                """);
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp.resolve("var"),
                "rules: {directory: ../conf/rules, local: " + tmp.resolve("local.d") + ", lists: " + lists + "}\n"
                        + "consent: {refresh: 100ms}\nreview: {public_listen: 127.0.0.1:0}\n"
                        + "hold: {digest: {every: 1d, release_url: \"https://p.example.net/release/{token}\", unsubscribe_insecure: true}}\n")) {
            gw.dns.add("shop.example", "TXT", "v=spf1 ip4:127.0.0.0/8 -all").add("client.shop.example", "A", "127.0.0.3")
                    .add("3.0.0.127.in-addr.arpa", "PTR", "client.shop.example");
            String uri = "http://127.0.0.1:" + sender.getAddress().getPort() + "/u/token-for-u";
            assertThat(send(gw, "u@example.com", 250, uri)).contains("[ref ");
            assertThat(gw.gateway.sendDigests()).isEqualTo(1);
            String digest = new String(downstream.getMessages().get(0).getData(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("Unsubscribe: https://p\\.example\\.net(/unsubscribe/\\S+)").matcher(digest);
            assertThat(m.find()).as(digest).isTrue();
            String link = "http://127.0.0.1:" + gw.gateway.refPagePort() + m.group(1);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ask = http.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ask.body()).contains("Unsubscribe from shop.example?");
            assertThat(posts).as("a GET (a mail scanner) unsubscribes nobody").isEmpty();
            HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(link)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(done.body()).contains("Your withdrawal is recorded", "shop.example confirmed it");
            assertThat(posts).containsExactly("POST /u/token-for-u List-Unsubscribe=One-Click cookie=null");
            List<ConsentEvent> events = gw.gateway.consentStore().events("u@example.com", "shop.example");
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo(ConsentEvent.Action.REVOKE);
                assertThat(e.method()).isEqualTo("one-click-unsubscribe");
                assertThat(e.evidence()).contains("HTTP 200", "/u/token-for-u");
            });
            Thread.sleep(200); // consent.refresh: the answer cached for the held message's recipient lapses
            try (SmtpTestClient c = new SmtpTestClient("127.0.0.3", gw.port())) {
                c.expect(220);
                c.send("EHLO client.shop.example", 250);
                c.send("MAIL FROM:<news@shop.example>", 250);
                assertThat(c.send("RCPT TO:<u@example.com>", 550)).startsWith("550 5.7.1 u@example.com has unsubscribed from mail of shop.example");
            }

            String forged = link.substring(0, link.lastIndexOf('.') + 1) + "AAAA" + link.substring(link.lastIndexOf('.') + 5);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(forged)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        } finally {
            sender.stop(0);
            downstream.stop();
        }
    }
}
