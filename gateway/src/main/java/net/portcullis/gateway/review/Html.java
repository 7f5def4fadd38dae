package net.portcullis.gateway.review;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Escaping and the page frame of the review page: every value on a page goes through {@link #esc}. */
public final class Html {
    private Html() {
    }

    /** Text made safe for HTML content and attribute values (the public reference page uses it too). */
    public static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A query string from the non-blank values, for links that keep the current search. */
    static String query(Map<String, String> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                b.append(b.length() == 0 ? "?" : "&").append(url(k)).append('=').append(url(v));
            }
        });
        return b.toString();
    }

    /**
     * The whole page. No script anywhere (the Content-Security-Policy forbids it) and one style
     * sheet from the jar, so the page works offline and an injected value cannot run.
     */
    static String page(String title, Session s, String active, String body) {
        StringBuilder b = new StringBuilder(4096 + body.length());
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append(" · Portcullis review</title><link rel=\"stylesheet\" href=\"/review/static/review.css\"></head><body>");
        if (s != null) {
            b.append("<header><span class=\"brand\">Portcullis</span><nav>");
            nav(b, active, "decisions", "/review/", "Decisions");
            nav(b, active, "overview", "/review/overview", "Overview");
            nav(b, active, "held", "/review/held", "Held mail");
            nav(b, active, "lists", "/review/lists", "Local lists");
            nav(b, active, "reports", "/review/reports", "Reports");
            nav(b, active, "actions", "/review/actions", "Actions");
            b.append("</nav><form method=\"post\" action=\"/review/logout\" class=\"who\">").append(csrf(s)).append("<span>")
                    .append(esc(s.account())).append(" (").append(esc(s.role())).append(")</span> <button type=\"submit\">Log out</button>")
                    .append("</form></header>");
        }
        b.append("<main><h1>").append(esc(title)).append("</h1>").append(body).append("</main></body></html>");
        return b.toString();
    }

    private static void nav(StringBuilder b, String active, String key, String href, String label) {
        b.append("<a href=\"").append(href).append('"').append(key.equals(active) ? " class=\"active\"" : "").append('>')
                .append(label).append("</a>");
    }

    /** The hidden field every form carries: a POST without the session's token is refused. */
    static String csrf(Session s) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(s.csrf()) + "\">";
    }

    static String notice(String kind, String text) {
        return "<p class=\"notice " + kind + "\" role=\"status\">" + esc(text) + "</p>";
    }
}
