package net.portcullis.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;

/**
 * The consent API, so a provider's web site records sign-ups and withdrawals as they happen:
 * {@code POST /v1/consent} appends an event, {@code GET /v1/consent?recipient=&sender=} tells
 * where consent stands, with its history. Every request carries {@code Authorization: Bearer
 * <consent.api_token>}. JSON in and out; errors are {"error": "..."} with a 4xx status.
 */
public final class ConsentApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ConsentStore store;
    private final byte[] token;

    public ConsentApi(InetSocketAddress listen, String token, ConsentStore store) throws IOException {
        this.store = store;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        server = HttpEndpoints.start(listen, "consent-api", 4);
        server.createContext("/v1/consent", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            byte[] given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(given, token)) {
                reply(ex, 401, Map.of("error", "missing or wrong bearer token"));
                return;
            }
            if (!ex.getRequestURI().getPath().equals("/v1/consent")) {
                reply(ex, 404, Map.of("error", "no such resource: the API is /v1/consent"));
                return;
            }
            switch (ex.getRequestMethod()) {
                case "POST" -> post(ex);
                case "GET" -> get(ex);
                default -> reply(ex, 405, Map.of("error", "use GET or POST"));
            }
        } catch (IllegalArgumentException e) {
            reply(ex, 400, Map.of("error", e.getMessage()));
        } catch (java.sql.SQLException e) {
            reply(ex, 503, Map.of("error", "store unavailable: " + e.getMessage()));
        } catch (RuntimeException e) {
            // never a dropped connection: whatever the request held, it gets a JSON answer
            reply(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
        } finally {
            ex.close(); // after the error reply: a try-with-resources would close before the catch
        }
    }

    @SuppressWarnings("unchecked")
    private void post(HttpExchange ex) throws IOException, java.sql.SQLException {
        Map<String, Object> body;
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(ex.getRequestBody().readNBytes(64 * 1024));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("body is not a JSON object");
            }
            body = JSON.convertValue(node, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        String action = str(body, "action").toUpperCase(Locale.ROOT);
        ConsentEvent.Action a;
        try {
            a = ConsentEvent.Action.valueOf(action);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("action must be grant, confirm or revoke");
        }
        if (a == ConsentEvent.Action.EXPIRE) {
            throw new IllegalArgumentException("action must be grant, confirm or revoke");
        }
        String method = a == ConsentEvent.Action.GRANT ? str(body, "method") : "api";
        if (!ConsentEvent.METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + ConsentEvent.METHODS);
        }
        Instant until = null;
        if (body.get("until") != null) {
            try {
                until = Instant.parse(body.get("until").toString());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("until must be an instant like 2027-12-31T00:00:00Z");
            }
        }
        ConsentEvent e = new ConsentEvent(0, ConsentEvent.party("recipient", str(body, "recipient")),
                ConsentEvent.party("sender", str(body, "sender")), a, method, str(body, "evidence"), "api", Instant.now(), until);
        long id = store.append(e);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("recipient", e.recipient());
        out.put("sender", e.sender());
        out.put("action", e.action().word());
        out.put("at", e.at().toString());
        reply(ex, 201, out);
    }

    private void get(HttpExchange ex) throws IOException, java.sql.SQLException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String recipient = ConsentEvent.party("recipient", q.get("recipient"));
        String sender = ConsentEvent.party("sender", q.get("sender"));
        ConsentBook.Decision d = new ConsentBook(store, Duration.ofMillis(1), Clock.systemUTC()).lookup(recipient, sender, "");
        List<Map<String, Object>> history = new ArrayList<>();
        for (ConsentEvent e : store.events(recipient, sender)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("action", e.action().word());
            m.put("method", e.method());
            m.put("evidence", e.evidence());
            m.put("actor", e.actor());
            m.put("at", e.at().toString());
            m.put("until", e.validUntil() == null ? null : e.validUntil().toString());
            history.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recipient", recipient);
        out.put("sender", sender);
        out.put("status", d.status().name().toLowerCase(Locale.ROOT));
        out.put("history", history);
        reply(ex, 200, out);
    }

    private static String str(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        if (!(v instanceof String text)) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return text;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void reply(HttpExchange ex, int code, Object body) throws IOException {
        HttpEndpoints.reply(ex, code, "application/json", JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
