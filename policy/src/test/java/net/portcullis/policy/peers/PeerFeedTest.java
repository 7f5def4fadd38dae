package net.portcullis.policy.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.checks.PeerCheck;
import net.portcullis.rules.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's feed as a peer serves it (an HTTP server on loopback answering as ListingFeed does:
 * ETag, 304, Ed25519 signature), and every way it can go wrong: each keeps the last good copy.
 */
class PeerFeedTest {
    @TempDir
    Path dir;
    HttpServer server;
    KeyPair keys;
    final AtomicReference<String> doc = new AtomicReference<>();
    final AtomicReference<String> forgedSignature = new AtomicReference<>();
    final AtomicInteger notModified = new AtomicInteger();

    static final String FEED = """
            {"entries": [
              {"kind": "ip", "value": "192.0.2.0/24", "reason": "spam reports from 4 users", "source": "reports",
               "since": "2026-12-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z", "reports": 9},
              {"kind": "domain", "value": "spammy.example", "reason": "by hand", "source": "admin",
               "since": "2026-12-01T00:00:00Z", "expires": null}
            ]}
            """;

    @BeforeEach
    void serve() throws Exception {
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        doc.set(FEED);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/feed", ex -> {
            byte[] body = doc.get().getBytes(StandardCharsets.UTF_8);
            String tag = "\"" + Integer.toHexString(doc.get().hashCode()) + "\"";
            ex.getResponseHeaders().set("ETag", tag);
            if (tag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().set("Portcullis-Signature", forgedSignature.get() != null ? forgedSignature.get() : "ed25519=" + sign(body));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String sign(byte[] body) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(body);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    PeerFeed feed(String name, int trust, boolean refuse) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/feed");
        return new PeerFeed(new PeerFeed.Peer(name, url, Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), trust, refuse),
                dir.resolve(name + ".feed"), HttpClient.newHttpClient(), Clock.systemUTC());
    }

    static List<Signal> check(List<PeerFeed> feeds, String client, String sender) throws Exception {
        Client c = new Client(InetAddress.getByName(client), null, "mail.other.example", false, null);
        return new PeerCheck(() -> feeds).run(Event.envelope(Stage.MAIL, c, sender, null));
    }

    static Object signal(List<Signal> s, String name) {
        return s.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void aSignedFeedIsTakenAnUnchangedOneIsNotSentAgainAndTheTrustOfListingPeersAddsUp() throws Exception {
        PeerFeed a = feed("a", 3, false);
        PeerFeed b = feed("b", 2, false);
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.UPDATED);
        assertThat(b.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.UPDATED);
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.NOT_MODIFIED);
        assertThat(notModified).hasValue(1);

        List<Signal> s = check(List.of(a, b), "192.0.2.77", "x@other.example");
        assertThat(signal(s, "peers.listed")).isEqualTo(true);
        assertThat(signal(s, "peers.score")).isEqualTo(5L);
        assertThat(signal(s, "peers.refused")).as("neither peer may refuse on its own").isEqualTo(false);
        assertThat(signal(s, "peers.names")).isEqualTo("a,b");
        assertThat(signal(s, "peers.reason")).isEqualTo("a: ip 192.0.2.0/24 (spam reports from 4 users)");
        assertThat(signal(check(List.of(a), "198.51.100.1", "y@spammy.example"), "peers.listed")).as("the sender's domain").isEqualTo(true);
        assertThat(signal(check(List.of(a), "198.51.100.1", "y@other.example"), "peers.score")).isEqualTo(0L);
        PeerFeed c = feed("c", 1, true);
        assertThat(signal(check(List.of(c), "198.51.100.1", "y@spammy.example"), "peers.refused")).as("not fetched yet: nothing").isEqualTo(false);
        c.refresh(Duration.ofSeconds(5));
        assertThat(signal(check(List.of(c), "198.51.100.1", "y@spammy.example"), "peers.refused")).as("a peer configured to refuse")
                .isEqualTo(true);
    }

    @Test
    void aForgedSignatureAMalformedDocumentOrAPeerDownKeepTheLastGoodCopyAndCount() throws Exception {
        PeerFeed a = feed("a", 1, false);
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.UPDATED);

        doc.set(FEED.replace("192.0.2.0/24", "203.0.113.0/24"));
        forgedSignature.set("ed25519=" + Base64.getEncoder().encodeToString(new byte[64]));
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.FAILED);
        assertThat(a.lastError()).contains("signature does not match");
        forgedSignature.set(null);
        doc.set("{\"entries\": [{\"kind\": \"ip\", \"value\": \"not-an-address\"}]}");
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.FAILED);
        assertThat(a.lastError()).startsWith("entry 0:");
        doc.set("{\"entries\": [{\"kind\": \"galaxy\", \"value\": \"x\"}]}");
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.FAILED);
        doc.set("[" .repeat(5000));
        assertThat(a.refresh(Duration.ofSeconds(5))).isEqualTo(PeerFeed.Result.FAILED);
        server.stop(0);
        assertThat(a.refresh(Duration.ofSeconds(2))).isEqualTo(PeerFeed.Result.FAILED);
        assertThat(a.failures()).isEqualTo(5);
        assertThat(a.listings().ip(InetAddress.getByName("192.0.2.9"))).as("the last good copy").isPresent();

        // restarted: the copy on disk, its signature checked again
        assertThat(feed("a", 1, false).listings().ip(InetAddress.getByName("192.0.2.9"))).isPresent();
        Path copy = dir.resolve("a.feed");
        Files.writeString(copy, Files.readString(copy).replace("192.0.2.0/24", "198.51.100.0/24"));
        PeerFeed tampered = feed("a", 1, false);
        assertThat(tampered.size()).as("an altered copy is not taken").isZero();
        assertThat(tampered.lastError()).contains("signature does not match");
    }
}
