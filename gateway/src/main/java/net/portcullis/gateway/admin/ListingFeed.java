package net.portcullis.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListStore;

/**
 * Our listings as a feed for other providers, on the admin listener: {@code GET /v1/feed} is a
 * JSON document of every blacklist entry in force (addresses, sender domains, envelope addresses
 * and link domains, with reason, source, since when and until when, and for addresses and link
 * domains the complaints behind them: count, first and last seen), with an ETag (a client
 * that sends it back as If-None-Match gets 304 while nothing changed) and an Ed25519 signature
 * of the body in {@code Portcullis-Signature}; {@code GET /v1/feed/key} is the public key to
 * check it with (X.509 SubjectPublicKeyInfo, base64). The signing key is made on first use and
 * kept in the var directory, readable by us only. The JDK signs (Ed25519 since Java 15); the
 * document is rebuilt at most every {@code cacheFor}.
 */
public final class ListingFeed implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ListStore store;
    private final KeyPair keys;
    private final Clock clock;
    private final Duration cacheFor;
    private byte[] body;
    private String etag;
    private String signature;
    private Instant builtAt = Instant.EPOCH;

    private net.portcullis.policy.reports.ReportStore reports;
    private Duration reportWindow = Duration.ofDays(30);

    public ListingFeed(ListStore store, Path keyFile, Clock clock, Duration cacheFor) throws IOException, GeneralSecurityException {
        this.store = store;
        this.keys = keys(keyFile);
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    /** The signing key pair in {@code file} (PKCS#8, base64), made there when missing. */
    static KeyPair keys(Path file) throws IOException, GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        if (Files.exists(file)) {
            String[] lines = Files.readString(file).strip().split("\n");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines[0].strip())));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines[1].strip())));
            return new KeyPair(pub, priv);
        }
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        net.portcullis.policy.store.OwnerOnlyFiles.write(file, (Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n"
                + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return kp;
    }

    /**
     * Adds to each address and link domain the counted complaints about it within {@code window}
     * ({@code reports}, {@code first_seen}, {@code last_seen}): how a peer weighs our word.
     */
    public ListingFeed withReports(net.portcullis.policy.reports.ReportStore reports, Duration window) {
        this.reports = reports;
        this.reportWindow = window;
        return this;
    }

    /** The public key, as GET /v1/feed/key gives it. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                HttpEndpoints.reply(ex, 405, "application/json", HttpEndpoints.utf8("{\"error\":\"GET only\"}\n"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/v1/feed/key")) {
                HttpEndpoints.reply(ex, 200, "text/plain; charset=utf-8", HttpEndpoints.utf8(publicKey() + "\n"));
                return;
            }
            if (!path.equals("/v1/feed")) {
                HttpEndpoints.reply(ex, 404, "application/json", HttpEndpoints.utf8("{\"error\":\"not found\"}\n"));
                return;
            }
            byte[] b;
            String tag;
            String sig;
            try {
                synchronized (this) {
                    refresh();
                    b = body;
                    tag = etag;
                    sig = signature;
                }
            } catch (java.sql.SQLException | GeneralSecurityException e) {
                HttpEndpoints.reply(ex, 503, "application/json", HttpEndpoints.utf8("{\"error\":\"the store cannot be read now\"}\n"));
                return;
            }
            ex.getResponseHeaders().set("ETag", tag);
            ex.getResponseHeaders().set("Cache-Control", "max-age=" + cacheFor.toSeconds());
            String seen = ex.getRequestHeaders().getFirst("If-None-Match");
            if (tag.equals(seen)) {
                ex.sendResponseHeaders(304, -1);
                return;
            }
            ex.getResponseHeaders().set("Portcullis-Signature", "ed25519=" + sig);
            HttpEndpoints.reply(ex, 200, "application/json", b);
        }
    }

    private void refresh() throws java.sql.SQLException, GeneralSecurityException, IOException {
        Instant now = clock.instant();
        if (body != null && now.isBefore(builtAt.plus(cacheFor))) {
            return;
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        Map<String, net.portcullis.policy.reports.ReportStore.Seen> bySource = reports == null ? Map.of()
                : reports.complaintsBySource(now.minus(reportWindow));
        Map<String, net.portcullis.policy.reports.ReportStore.Seen> byLink = reports == null ? Map.of()
                : reports.complaintsByLink(now.minus(reportWindow));
        for (ListEntry e : store.all()) {
            if (e.color() != ListEntry.Color.BLACK || e.expiredAt(now)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", e.kind().word());
            m.put("value", e.value());
            m.put("reason", e.reason());
            m.put("source", e.source());
            m.put("since", e.created().toString());
            m.put("expires", e.expires() == null ? null : e.expires().toString());
            var seen = e.kind() == ListEntry.Kind.IP ? bySource.get(e.value()) : e.kind() == ListEntry.Kind.LINK ? byLink.get(e.value()) : null;
            if (seen != null) {
                m.put("reports", seen.reports());
                m.put("first_seen", seen.first().toString());
                m.put("last_seen", seen.last().toString());
            }
            entries.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("entries", entries);
        byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        // the ETag is the content's (not the build time's): an unchanged list keeps its tag across rebuilds
        String tag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 16) + "\"";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(keys.getPrivate());
        s.update(b);
        body = b;
        etag = tag;
        signature = Base64.getEncoder().encodeToString(s.sign());
        builtAt = now;
    }
}
