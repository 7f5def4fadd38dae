package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * Users' reports from their mail store: a message delivered through the gateway, then reported
 * by users as a mail store would on a move into Junk (spam) or out of it (ham).
 */
class ReportApiTest {
    static final String TOKEN = "imap1-token-0123456789";

    @TempDir
    Path tmp;

    private static HttpResponse<String> post(int port, String query, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/report" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "message/rfc822");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reportsOfDeliveredMailCountByDistinctUserAndHamCountsAgainst() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp,
                "reports: {reporters: 2, api_listen: \"127.0.0.1:0\", api_tokens: {imap1: " + TOKEN + "}}\nstore: {refresh: 100ms}")) {
            assertThat(gw.message("127.0.0.9", "deals@other.org", "u@example.net", "cheap offer")).startsWith("250 ");
            byte[] delivered = downstream.getMessages().get(0).getData(); // as the mail store holds it, with our Received field
            int api = gw.gateway.reportApiPort();

            HttpResponse<String> alice = post(api, "?type=spam&user=alice@example.net", TOKEN, delivered);
            assertThat(alice.statusCode()).as(alice.body()).isEqualTo(200);
            JsonNode a = new ObjectMapper().readTree(alice.body());
            assertThat(a.get("source").asText()).isEqualTo("127.0.0.9");
            assertThat(a.get("listed").isNull()).as(alice.body()).isTrue();
            String bob = post(api, "?type=ham&user=bob@example.net", TOKEN, delivered).body();
            assertThat(new ObjectMapper().readTree(bob).get("listed").isNull()).as(bob).isTrue();
            assertThat(new ObjectMapper().readTree(post(api, "?type=spam&user=carol@example.net", TOKEN, delivered).body())
                    .get("listed").isNull()).as("two say spam, one says not: below 2").isTrue();
            JsonNode d = new ObjectMapper().readTree(post(api, "?type=spam&user=dave@example.net", TOKEN, delivered).body());
            assertThat(d.get("listed").asText()).isEqualTo("127.0.0.9");
            assertThat(new ObjectMapper().readTree(post(api, "?type=spam&user=dave@example.net", TOKEN, delivered).body())
                    .get("duplicate").asBoolean()).isTrue();

            // every malformed request a 4xx with a reason
            assertThat(post(api, "?type=spam&user=alice@example.net", null, delivered).statusCode()).isEqualTo(401);
            assertThat(post(api, "?type=spam&user=alice@example.net", "wrong-token-0123456789", delivered).statusCode()).isEqualTo(401);
            assertThat(post(api, "?type=maybe&user=alice@example.net", TOKEN, delivered).body()).contains("type must be spam or ham");
            assertThat(post(api, "?type=spam", TOKEN, delivered).statusCode()).isEqualTo(400);
            assertThat(post(api, "?type=spam&user=not-an-address", TOKEN, delivered).statusCode()).isEqualTo(400);
            assertThat(post(api, "?type=spam&user=alice@example.net", TOKEN, new byte[0]).statusCode()).isEqualTo(400);
            HttpResponse<String> unseen = post(api, "?type=spam&user=alice@example.net", TOKEN,
                    "From: x@elsewhere.example\r\nSubject: not through us\r\n\r\nhi\r\n".getBytes());
            assertThat(unseen.statusCode()).as("kept, since a report is never lost, but not counted").isEqualTo(200);
            assertThat(new ObjectMapper().readTree(unseen.body()).get("counted").asBoolean()).isFalse();
            assertThat(unseen.body()).contains("never seen");
            String copied = new String(delivered, java.nio.charset.StandardCharsets.ISO_8859_1).replaceFirst(" id [A-Z0-9]+", " id NOSUCHREF1")
                    .replace("cheap offer", "another");
            JsonNode forged = new ObjectMapper().readTree(post(api, "?type=spam&user=erin@example.net", TOKEN,
                    copied.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).body());
            assertThat(forged.get("uncounted").asText()).as("our Received field copied onto mail we never passed")
                    .isEqualTo("never seen: no decision of ours has the reference NOSUCHREF1");
            assertThat(post(api, "?type=spam&user=alice@example.net", TOKEN, new byte[10 * 1024 * 1024 + 1]).statusCode()).isEqualTo(413);
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/v1/report"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        } finally {
            downstream.stop();
        }
    }
}
