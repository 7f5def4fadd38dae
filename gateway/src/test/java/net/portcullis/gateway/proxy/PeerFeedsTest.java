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
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers share, end to end: two gateways with stores of their own, one consuming the other's
 * signed feed. What the publisher lists, the consumer refuses (a peer configured to refuse) or
 * scores; the publisher going down leaves the last good copy in force, across a restart too.
 */
class PeerFeedsTest {
    @TempDir
    Path tmp;

    private static String metrics(GatewayHarness gw) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aConsumerActsOnItsPeersListingsAndKeepsTheLastGoodCopyWhenThePeerIsDown() throws Exception {
        Path pubDir = Files.createDirectories(tmp.resolve("publisher"));
        Path conDir = Files.createDirectories(tmp.resolve("consumer"));
        GatewayHarness publisher = GatewayHarness.withWiser(pubDir, "store: {refresh: 100ms}\nreports: {reporters: 3}\n");
        boolean publisherUp = true;
        String feed;
        String key;
        try {
            Instant now = Instant.now();
            publisher.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.IP, "127.0.0.9",
                    "spam reports from 3 users", "reports", now, now.plusSeconds(86400)));
            publisher.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "spammy.example",
                    "listed by hand", "admin", now, null));
            String base = "http://127.0.0.1:" + publisher.gateway.adminPort();
            feed = base + "/v1/feed";
            key = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v1/feed/key")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().strip();
            String peers = "peers: {refresh: 200ms, feeds: [{name: pub, url: \"" + feed + "\", key: \"" + key + "\", policy: refuse},"
                    + " {name: weak, url: \"" + feed + "\", key: \"" + key + "\", trust: 2}]}\n";
            try (GatewayHarness consumer = GatewayHarness.withWiser(conDir, peers)) {
                String refused = Eventually.value("the consumer to fetch the feed", Duration.ofSeconds(10),
                        () -> consumer.message("127.0.0.9", "a@other.org", "u@example.net", "hi"), r -> r.startsWith("554"));
                assertThat(refused).startsWith("554 5.7.1 Mail refused: listed by pub: ip 127.0.0.9 (spam reports from 3 users)");
                assertThat(consumer.message("127.0.0.10", "a@spammy.example", "u@example.net", "hi")).startsWith("554 5.7.1 Mail refused: "
                        + "listed by pub: domain spammy.example");
                assertThat(consumer.message("127.0.0.10", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
                assertThat(metrics(consumer)).contains("portcullis_peers_entries{peer=\"pub\"} 2.0");

                publisher.close(); // the peer goes down
                publisherUp = false;
                Eventually.until("the failure to be counted", Duration.ofSeconds(10),
                        () -> !metrics(consumer).contains("portcullis_peers_failures{peer=\"pub\"} 0.0"));
                assertThat(consumer.message("127.0.0.9", "a@other.org", "u@example.net", "hi")).as("its last good copy stays")
                        .startsWith("554 5.7.1 Mail refused: listed by pub");
            }
            try (GatewayHarness restarted = GatewayHarness.withWiser(conDir, "peers: {refresh: 1h, feeds: [{name: pub, url: \"" + feed
                    + "\", key: \"" + key + "\", policy: refuse}]}\n")) {
                assertThat(restarted.message("127.0.0.9", "a@other.org", "u@example.net", "hi"))
                        .as("the copy on disk, read at start, while the peer is still down").startsWith("554 5.7.1 Mail refused: listed by pub");
                assertThat(conDir.resolve("peers/pub.feed")).exists();
                assertThat(conDir.resolve("peers/weak.feed")).as("a peer no longer configured leaves no copy").doesNotExist();
            }
        } finally {
            if (publisherUp) {
                publisher.close();
            }
        }
    }
}
