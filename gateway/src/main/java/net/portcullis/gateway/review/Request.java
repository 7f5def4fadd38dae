package net.portcullis.gateway.review;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request to the review page: its query or form fields (decoded, bounded), and the session when logged in. */
final class Request {
    /** A form is a few short fields: anything longer is refused rather than read. */
    static final int MAX_BODY = 64 * 1024;

    final HttpExchange exchange;
    final String method;
    final String path;
    final Map<String, String> query;
    final Map<String, String> form;
    Session session;

    private Request(HttpExchange ex, Map<String, String> form) {
        this.exchange = ex;
        this.method = ex.getRequestMethod();
        this.path = ex.getRequestURI().getPath();
        this.query = decode(ex.getRequestURI().getRawQuery());
        this.form = form;
    }

    /** A form longer than {@link #MAX_BODY}: answered 413. */
    static final class TooLong extends IllegalStateException {
        TooLong(String message) {
            super(message);
        }
    }

    /** @throws IllegalStateException the body is not a form, or too long ({@link TooLong}) */
    static Request read(HttpExchange ex) throws IOException {
        Map<String, String> form = Map.of();
        if (ex.getRequestMethod().equals("POST")) {
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            if (!type.startsWith("application/x-www-form-urlencoded")) {
                throw new IllegalStateException("a form is expected (application/x-www-form-urlencoded)");
            }
            byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                // read (a bounded amount of) the rest, so the client hears the answer rather than a reset
                byte[] sink = new byte[8192];
                long drained = 0;
                for (int n; drained < 16L * MAX_BODY && (n = ex.getRequestBody().read(sink)) > 0; ) {
                    drained += n;
                }
                throw new TooLong("the form is longer than " + MAX_BODY + " bytes");
            }
            form = decode(new String(body, StandardCharsets.UTF_8));
        }
        return new Request(ex, form);
    }

    /** A query field, or "" when absent. */
    String q(String name) {
        return query.getOrDefault(name, "");
    }

    /** A form field, or "" when absent. */
    String f(String name) {
        return form.getOrDefault(name, "");
    }

    String cookie(String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    return part.substring(eq + 1).strip();
                }
            }
        }
        return null;
    }

    private static Map<String, String> decode(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.size() < 64 && k.length() <= 64 && v.length() <= 4096) {
                    out.putIfAbsent(k, v);
                }
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: the field is dropped, as a browser never sends one
            }
        }
        return out;
    }
}
