package net.portcullis.policy.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListSnapshot;

/**
 * Another provider's listings, as its gateway publishes them ({@code GET /v1/feed}, Portcullis'
 * signed feed): fetched on a schedule with If-None-Match, the body's Ed25519 signature checked
 * against the key pinned in our configuration, every entry read or the whole document refused.
 * A fetch that fails — the peer down, a bad signature, a malformed document — is counted and
 * logged by the caller, and the last good copy stays in force; that copy is also kept on disk
 * (with its signature, checked again when read back), so a restart does not forget a peer that
 * is down.
 */
public final class PeerFeed {
    /** The largest feed taken: a peer's list is big, never unbounded. */
    static final int MAX_BODY = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A peer as configured: its trust adds to peers.score; refuse: its word alone refuses. */
    public record Peer(String name, URI url, String key, int trust, boolean refuse) { }

    /** What the last fetch did. */
    public enum Result { UPDATED, NOT_MODIFIED, FAILED }

    private final Peer peer;
    private final PublicKey key;
    private final HttpClient http;
    private final Path copy;
    private final Clock clock;
    private volatile ListSnapshot listings;
    private volatile int size;
    private volatile String etag;
    private volatile Instant lastGood;
    private volatile String lastError;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong fetches = new AtomicLong();

    /** @param copy where the last good copy is kept (the body, then its signature); null: memory only */
    public PeerFeed(Peer peer, Path copy, HttpClient http, Clock clock) throws GeneralSecurityException {
        this.peer = peer;
        this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(peer.key().strip())));
        this.http = http;
        this.copy = copy;
        this.clock = clock;
        this.listings = ListSnapshot.of(ListEntry.Color.BLACK, List.of(), clock.instant());
        loadCopy();
    }

    public Peer peer() {
        return peer;
    }

    /** The peer's listings in force (its last good copy). */
    public ListSnapshot listings() {
        return listings;
    }

    public int size() {
        return size;
    }

    public long failures() {
        return failures.get();
    }

    public long fetches() {
        return fetches.get();
    }

    public Instant lastGood() {
        return lastGood;
    }

    public String lastError() {
        return lastError;
    }

    /** Fetches the feed now; on any failure the last good copy stays and the reason is in {@link #lastError}. */
    public Result refresh(Duration timeout) {
        fetches.incrementAndGet();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(peer.url()).timeout(timeout).GET();
            if (etag != null) {
                b.header("If-None-Match", etag);
            }
            HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                if (r.statusCode() == 304) {
                    lastGood = clock.instant();
                    lastError = null;
                    return Result.NOT_MODIFIED;
                }
                if (r.statusCode() != 200) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                byte[] body = in.readNBytes(MAX_BODY + 1);
                if (body.length > MAX_BODY) {
                    throw new IOException("the feed is over " + (MAX_BODY >> 20) + " MB");
                }
                String sig = r.headers().firstValue("Portcullis-Signature").orElse("");
                accept(body, sig);
                etag = r.headers().firstValue("ETag").orElse(null);
                keepCopy(body, sig);
                return Result.UPDATED;
            }
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return failed(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        }
    }

    private Result failed(String why) {
        failures.incrementAndGet();
        lastError = why;
        return Result.FAILED;
    }

    /** Checks the signature, reads every entry (or refuses the document), and puts it in force. */
    private void accept(byte[] body, String sigHeader) throws GeneralSecurityException, IOException {
        if (!sigHeader.startsWith("ed25519=")) {
            throw new GeneralSecurityException("no Portcullis-Signature: ed25519=… header");
        }
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(key);
        v.update(body);
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(sigHeader.substring(8).strip());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the signature is not base64");
        }
        if (!v.verify(sig)) {
            throw new GeneralSecurityException("the signature does not match the key configured for " + peer.name());
        }
        JsonNode entries = JSON.readTree(body).path("entries");
        if (!entries.isArray()) {
            throw new IOException("no entries array in the feed");
        }
        Instant now = clock.instant();
        List<ListEntry> out = new ArrayList<>(entries.size());
        for (JsonNode e : entries) {
            ListEntry.Kind kind;
            try {
                kind = ListEntry.Kind.valueOf(e.path("kind").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException bad) {
                throw new IOException("entry " + out.size() + ": unknown kind '" + e.path("kind").asText("") + "'");
            }
            String value;
            try {
                value = ListEntry.normalise(kind, e.path("value").asText(""));
            } catch (IllegalArgumentException bad) {
                throw new IOException("entry " + out.size() + ": " + bad.getMessage());
            }
            out.add(new ListEntry(0, ListEntry.Color.BLACK, kind, value, e.path("reason").asText(""), "peer:" + peer.name(),
                    instant(e.path("since").asText(null), now), e.path("expires").isNull() ? null : instant(e.path("expires").asText(null), null)));
        }
        listings = ListSnapshot.of(ListEntry.Color.BLACK, out, now);
        size = listings.size();
        lastGood = now;
        lastError = null;
    }

    private static Instant instant(String s, Instant dflt) throws IOException {
        if (s == null) {
            return dflt;
        }
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException("'" + s + "' is not an ISO-8601 instant");
        }
    }

    private void keepCopy(byte[] body, String sig) {
        if (copy == null) {
            return;
        }
        try {
            Files.createDirectories(copy.getParent());
            Path tmp = Files.createTempFile(copy.getParent(), copy.getFileName().toString(), ".tmp");
            Files.write(tmp, (sig + "\n" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            lastError = "the copy on disk was not written: " + e.getMessage();
        }
    }

    private void loadCopy() {
        if (copy == null || !Files.exists(copy)) {
            return;
        }
        try {
            String text = Files.readString(copy);
            int nl = text.indexOf('\n');
            accept(text.substring(nl + 1).getBytes(StandardCharsets.UTF_8), text.substring(0, Math.max(nl, 0)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            lastError = "the copy on disk was not taken: " + e.getMessage();
        }
    }
}
