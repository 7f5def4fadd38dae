package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refusal names the page that explains it, and the page says why without telling anything private. */
class RefPageTest {
    @TempDir
    Path var;

    @Test
    void aRefusalLinksToAPublicPageThatExplainsItAndNothingMore() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var,
                "review: {ref_url: \"https://postmaster.example.net/ref/{ref}\", public_listen: 127.0.0.1:0}")) {
            String reply;
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<a@other.org>", 250);
                reply = c.send("RCPT TO:<victim@elsewhere.com>", 550);
            }
            String ref = DecisionStoreEndToEndTest.ref(reply);
            assertThat(reply).endsWith("[ref " + ref + "] https://postmaster.example.net/ref/" + ref);
            DecisionStoreEndToEndTest.awaitStored(gw, 1);

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + gw.gateway.refPagePort();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/ref/" + ref.toLowerCase())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
            assertThat(page.body()).contains("Reference " + ref, "refused", "<code>relay.closed</code>",
                    "the recipient&#39;s domain does not receive mail here", "127.0.0.1")
                    .doesNotContain("victim", "elsewhere.com", "a@other.org")
                    // what only the operator can do stays on the review page and in log show
                    .doesNotContain("gateway.yaml", "trusted_networks", "conf/", "bin/portcullis", "local.d");

            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/ref/ZZZZZZZZ")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);
            HttpResponse<String> odd = http.send(HttpRequest.newBuilder(URI.create(base + "/ref/%3Cscript%3E")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(odd.statusCode()).isEqualTo(404);
            assertThat(odd.body()).doesNotContain("<script>");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/ref/" + ref)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void withoutARefUrlRepliesEndWithTheRefAlone() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            assertThat(c.send("RCPT TO:<victim@elsewhere.com>", 550)).matches("550 5\\.7\\.1 Relay access denied \\[ref \\w{8}\\]");
        }
    }

    @Test
    void thePublicPageIsRateLimitedPerClient() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, "review: {ref_url: \"https://p.example.net/ref/{ref}\", public_listen: 127.0.0.1:0}")) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + gw.gateway.refPagePort() + "/ref/ZZZZZZZZ");
            int limited = 0;
            for (int i = 0; i < net.portcullis.gateway.admin.RefPage.PER_MINUTE + 5; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 429) {
                    limited++;
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
                } else {
                    assertThat(r.statusCode()).isEqualTo(404);
                }
            }
            assertThat(limited).isEqualTo(5);
        }
    }
}
