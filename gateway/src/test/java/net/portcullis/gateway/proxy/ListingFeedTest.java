package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/** Our listings as a signed feed on the admin listener, as another provider reads it. */
class ListingFeedTest {
    @TempDir
    Path tmp;

    private static HttpResponse<byte[]> get(String url, String ifNoneMatch) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (ifNoneMatch != null) {
            b.header("If-None-Match", ifNoneMatch);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theFeedListsWhatIsInForceIsSignedAndAnUnchangedOneIsNotSentAgain() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp, "store: {refresh: 100ms}")) {
            Instant now = Instant.now();
            gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, "203.0.113.9", "spam reports from 3 users",
                    "reports", now, now.plusSeconds(86400)));
            gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.LINK, "pills.example", "advertised", "reports",
                    now, null));
            gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.WHITE, ListEntry.Kind.IP, "198.51.100.7", "partner", "admin", now, null));
            String base = "http://127.0.0.1:" + gw.gateway.adminPort();

            HttpResponse<byte[]> feed = get(base + "/v1/feed", null);
            assertThat(feed.statusCode()).isEqualTo(200);
            JsonNode doc = new ObjectMapper().readTree(feed.body());
            assertThat(doc.at("/entries")).hasSize(2);
            assertThat(doc.at("/entries/0/value").asText() + " " + doc.at("/entries/1/value").asText())
                    .contains("203.0.113.9", "pills.example").doesNotContain("198.51.100.7");

            // the signature checks out with the published key, and not for an altered body
            byte[] key = Base64.getDecoder().decode(new String(get(base + "/v1/feed/key", null).body()).strip());
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key)));
            v.update(feed.body());
            String sig = feed.headers().firstValue("Portcullis-Signature").orElseThrow();
            assertThat(sig).startsWith("ed25519=");
            assertThat(v.verify(Base64.getDecoder().decode(sig.substring(8)))).isTrue();
            v.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key)));
            v.update((new String(feed.body()) + " ").getBytes());
            assertThat(v.verify(Base64.getDecoder().decode(sig.substring(8)))).isFalse();

            String etag = feed.headers().firstValue("ETag").orElseThrow();
            assertThat(get(base + "/v1/feed", etag).statusCode()).as("nothing changed").isEqualTo(304);
            gw.gateway.listStore().remove(ListEntry.Color.BLACK, ListEntry.Kind.LINK, "pills.example");
            HttpResponse<byte[]> changed = net.portcullis.gateway.testing.Eventually.value("the feed to change",
                    java.time.Duration.ofSeconds(10), () -> get(base + "/v1/feed", etag), r -> r.statusCode() == 200);
            assertThat(new String(changed.body())).doesNotContain("pills.example");
            assertThat(changed.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);

            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v1/feed"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        } finally {
            downstream.stop();
        }
    }

    @Test
    void anAddressListedByReportsCarriesItsComplaintsCountAndWhenTheyCame() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp, "store: {refresh: 100ms}\nreports: {reporters: 3}")) {
            assertThat(gw.message("127.0.0.9", "deals@other.org", "u@example.net", "buy at https://pills.example/now")).startsWith("250 ");
            byte[] delivered = downstream.getMessages().get(0).getData();
            for (String user : java.util.List.of("a@example.net", "b@example.net", "c@example.net")) {
                gw.gateway.reportIntake().ingestMessage(user, true, delivered);
            }
            JsonNode doc = new ObjectMapper().readTree(get("http://127.0.0.1:" + gw.gateway.adminPort() + "/v1/feed", null).body());
            JsonNode e = doc.at("/entries/0");
            assertThat(doc.at("/entries").size()).as("listed by the three reports: " + doc).isEqualTo(1);
            assertThat(e.get("value").asText()).isEqualTo("127.0.0.9");
            assertThat(e.get("reports").asLong()).isEqualTo(3);
            assertThat(Instant.parse(e.get("first_seen").asText())).isBeforeOrEqualTo(Instant.parse(e.get("last_seen").asText()));
        } finally {
            downstream.stop();
        }
    }
}
