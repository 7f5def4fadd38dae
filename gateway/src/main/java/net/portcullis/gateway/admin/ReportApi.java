package net.portcullis.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportRefused;

/**
 * Users' reports from their mail store, as one moves a message into Junk (spam) or out of it
 * (not spam): {@code POST /v1/report?type=spam|ham&user=ADDRESS} with the message itself as the
 * body ({@code message/rfc822}), {@code Authorization: Bearer <token>} of one of
 * {@code reports.api_tokens}. The message is read as one attached to a report mailed to
 * reports.address, with the user as its reporter, weight 1: spam counts toward listing its
 * source and the domains it advertises, ham against. It is written to the store before the 200; JSON in and out, every
 * malformed request a 4xx with {"error": "..."}.
 */
public final class ReportApi implements AutoCloseable {
    /** The largest message taken (the report intake's own bound). */
    static final int MAX_MESSAGE = 10 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ReportIntake intake;
    private final Map<String, byte[]> tokens = new LinkedHashMap<>();

    public ReportApi(InetSocketAddress listen, Map<String, String> tokens, ReportIntake intake) throws IOException {
        this.intake = intake;
        tokens.forEach((name, t) -> this.tokens.put(name, t.getBytes(StandardCharsets.UTF_8)));
        server = HttpEndpoints.start(listen, "report-api", 4);
        server.createContext("/v1/report", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The caller's name for a bearer token, or null; every token is compared, in constant time. */
    private String caller(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        String who = null;
        for (Map.Entry<String, byte[]> t : tokens.entrySet()) {
            if (MessageDigest.isEqual(given, t.getValue())) {
                who = t.getKey();
            }
        }
        return who;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String caller = caller(ex);
            if (caller == null) {
                reply(ex, 401, Map.of("error", "missing or wrong bearer token"));
                return;
            }
            if (!ex.getRequestURI().getPath().equals("/v1/report")) {
                reply(ex, 404, Map.of("error", "no such resource: the API is /v1/report"));
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                reply(ex, 405, Map.of("error", "use POST"));
                return;
            }
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String type = q.getOrDefault("type", "");
            if (!type.equals("spam") && !type.equals("ham")) {
                reply(ex, 400, Map.of("error", "type must be spam or ham"));
                return;
            }
            String user = q.getOrDefault("user", "").strip().toLowerCase(Locale.ROOT);
            if (!user.matches("[^@\\s]+@[a-z0-9.-]+\\.[a-z]{2,}")) {
                reply(ex, 400, Map.of("error", "user must be the reporting user's address"));
                return;
            }
            byte[] message = ex.getRequestBody().readNBytes(MAX_MESSAGE + 1);
            if (message.length > MAX_MESSAGE) {
                reply(ex, 413, Map.of("error", "message over " + (MAX_MESSAGE >> 20) + " MB"));
                return;
            }
            if (message.length == 0) {
                reply(ex, 400, Map.of("error", "the body must be the reported message"));
                return;
            }
            ReportIntake.Outcome o;
            try {
                o = intake.ingestMessage(user, type.equals("spam"), message);
            } catch (ReportRefused r) {
                reply(ex, 422, Map.of("error", r.getMessage()));
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("report", o.reportId());
            out.put("duplicate", o.duplicate());
            out.put("counted", o.counted());
            if (!o.counted()) {
                out.put("uncounted", o.uncounted());
            }
            out.put("source", o.report().sourceIp());
            out.put("listed", o.listed() == null ? null : o.listed().value());
            out.put("links_listed", o.linksListed().stream().map(e -> e.value()).toList());
            reply(ex, 200, out);
        } catch (java.sql.SQLException e) {
            reply(ex, 503, Map.of("error", "store unavailable: " + e.getMessage()));
        } catch (RuntimeException e) {
            reply(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
        } finally {
            ex.close();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            try {
                out.put(URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                // a malformed %-escape: the parameter is left out, and its absence is the error
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
