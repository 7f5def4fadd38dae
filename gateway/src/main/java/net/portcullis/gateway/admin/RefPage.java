package net.portcullis.gateway.admin;

import static net.portcullis.gateway.review.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import net.portcullis.gateway.log.DecisionExplainer;
import net.portcullis.policy.store.DecisionStore;

/**
 * The public page a refusal points to (review.ref_url): {@code GET /ref/REF} tells the sender,
 * for that one reference and without login, when it was decided, whether it was refused for
 * good or for now, by which check, and what to do. Nothing private: no recipients, no other
 * references, no reply texts (a mail server's refusal may name a recipient).
 */
public final class RefPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final DecisionStore store;
    private final String hostname;
    /** Requests per client address and minute: the page is public, its store is not for scraping. */
    public static final int PER_MINUTE = 30;
    private final com.github.benmanes.caffeine.cache.Cache<java.net.InetAddress, java.util.concurrent.atomic.AtomicInteger> recent =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofMinutes(1))
                    .maximumSize(100_000).build();

    private final net.portcullis.policy.store.HoldStore holds;
    private final net.portcullis.gateway.downstream.Downstreams pool;

    private final ReportLinks reportLinks;
    private final UnsubscribeLinks unsubscribeLinks;

    /**
     * What the digests' links need (hold.digest on), each null when its links are off.
     *
     * @param holds    and {@code pool}: the one-click release links (/release/TOKEN)
     * @param intake   the report links (/report/TOKEN)
     * @param consent  and {@code oneClick}: the unsubscribe links (/unsubscribe/TOKEN)
     */
    public record Links(net.portcullis.policy.store.HoldStore holds, net.portcullis.gateway.downstream.Downstreams pool,
                        net.portcullis.policy.reports.ReportIntake intake, net.portcullis.policy.consent.ConsentStore consent,
                        net.portcullis.policy.consent.OneClickUnsubscribe oneClick) {
        public static final Links NONE = new Links(null, null, null, null, null);
    }

    public RefPage(InetSocketAddress listen, DecisionStore store, String hostname, Links links) throws IOException {
        this.store = store;
        this.hostname = hostname;
        this.holds = links.holds();
        this.pool = links.pool();
        this.reportLinks = holds == null || links.intake() == null ? null : new ReportLinks(holds, links.intake(), this::page);
        this.unsubscribeLinks = holds == null || links.consent() == null || links.oneClick() == null ? null
                : new UnsubscribeLinks(holds, store, links.consent(), links.oneClick(), this::page);
        server = HttpEndpoints.start(listen, "ref-page", 4);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            int n = recent.get(ex.getRemoteAddress().getAddress(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            if (n > PER_MINUTE) {
                ex.getResponseHeaders().set("Retry-After", "60");
                page(ex, 429, "Too many requests", "<p>Please wait a minute.</p>");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/release/") && holds != null) {
                release(ex, path.substring("/release/".length()));
                return;
            }
            if (path.startsWith("/report/") && reportLinks != null) {
                reportLinks.handle(ex, path.substring("/report/".length()));
                return;
            }
            if (path.startsWith("/unsubscribe/") && unsubscribeLinks != null) {
                unsubscribeLinks.handle(ex, path.substring("/unsubscribe/".length()));
                return;
            }
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                page(ex, 405, "Not allowed", "<p>This page can only be read.</p>");
                return;
            }
            if (!path.matches("/ref/[A-Za-z0-9]{8}")) {
                page(ex, 404, "Not found", "<p>Reference ids look like <code>7QX2K9AB</code>: "
                        + "the eight letters and digits after <code>[ref</code> in the reply your server received.</p>");
                return;
            }
            String ref = path.substring(5).toUpperCase(java.util.Locale.ROOT);
            List<String> lines;
            try {
                lines = store.find(ref);
            } catch (java.sql.SQLException e) {
                page(ex, 503, "Try again later", "<p>The record of decisions cannot be read right now.</p>");
                return;
            }
            if (lines.isEmpty()) {
                page(ex, 404, "Unknown reference", "<p>No decision with reference <code>" + esc(ref)
                        + "</code> is on record: it is mistyped, or older than we keep records.</p>");
                return;
            }
            StringBuilder b = new StringBuilder();
            for (String line : lines) {
                b.append(section(JSON.readValue(line, Map.class)));
            }
            page(ex, 200, "Reference " + ref, b.toString());
        } catch (RuntimeException e) {
            page(ex, 500, "Error", "<p>The page could not be made.</p>");
        } finally {
            ex.close();
        }
    }

    /**
     * A digest's release link. GET only asks (mail scanners follow links: a GET must not
     * deliver anything); the form's POST delivers the message to that one recipient, once.
     */
    private void release(HttpExchange ex, String token) throws IOException {
        net.portcullis.policy.store.HoldStore.ReleaseClaim claim;
        try {
            claim = holds.verifyToken(token, java.time.Instant.now());
        } catch (SecurityException | IllegalArgumentException e) {
            page(ex, 403, "Link not valid", "<p>This link is not one we made: " + esc(e.getMessage()) + ".</p>");
            return;
        } catch (java.time.DateTimeException e) {
            page(ex, 410, "Link expired", "<p>The held message was kept until its link expired, and is gone.</p>");
            return;
        }
        try {
            net.portcullis.policy.store.HoldStore.Held h = holds.find(claim.ref());
            if (h == null || !h.state().equals("held") || !h.recipients().contains(claim.recipient())) {
                page(ex, 410, "No longer held", "<p>This message is no longer held (released, deleted or expired).</p>");
                return;
            }
            String about = "<dl><dt>From</dt><dd>" + esc(h.sender().isEmpty() ? "<>" : h.sender()) + "</dd><dt>To</dt><dd>"
                    + esc(claim.recipient()) + "</dd><dt>Held</dt><dd>" + esc(h.heldAt().toString()) + "</dd><dt>Why</dt><dd>"
                    + esc(h.reason()) + "</dd></dl>";
            if (ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")) {
                page(ex, 200, "Deliver a held message?", about + "<form method=\"post\"><button type=\"submit\">"
                        + "Deliver it to " + esc(claim.recipient()) + "</button></form>");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                page(ex, 405, "Not allowed", "<p>Use the button of the page.</p>");
                return;
            }
            var r = net.portcullis.gateway.hold.HoldRelease.deliver(holds, pool, h, List.of(claim.recipient()), "recipients");
            switch (r.status()) {
                case RELEASED, PARTLY -> { }
                case ALREADY -> {
                    page(ex, 409, "Already delivered", "<p>This message was already released to " + esc(claim.recipient()) + ".</p>");
                    return;
                }
                default -> {
                    page(ex, 503, "Not delivered yet", "<p>The mail server cannot take it right now: please try again later.</p>");
                    return;
                }
            }
            page(ex, 200, "Delivered", about + "<p>The message is on its way to " + esc(claim.recipient()) + ".</p>");
        } catch (java.sql.SQLException e) {
            page(ex, 503, "Try again later", "<p>The record of held mail cannot be read right now.</p>");
        }
    }

    private String section(Map<?, ?> r) {
        String verdict = String.valueOf(r.get("verdict"));
        String by = "transaction".equals(r.get("event")) ? net.portcullis.policy.DecisionRecord.fromMap(r).decider()
                : String.valueOf(r.get("decided_by"));
        String outcome = switch (verdict) {
            case "rejected" -> "refused: your server should not send this mail again unchanged";
            case "tempfail" -> "deferred: your server retries by itself, nothing to do unless it keeps failing";
            case "accepted" -> "accepted";
            case "held" -> "accepted and held for review: it is delivered if a reviewer releases it; nothing to resend";
            default -> "not completed (the connection ended before the end of the message)";
        };
        @SuppressWarnings("unchecked")
        Map<String, Object> signals = r.get("signals") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return "<dl><dt>When</dt><dd>" + esc(String.valueOf(r.get("time"))) + "</dd>"
                + "<dt>Sending server</dt><dd>" + esc(String.valueOf(r.get("client"))) + "</dd>"
                + "<dt>Outcome</dt><dd>" + esc(outcome) + "</dd>"
                + (by == null ? "" : "<dt>Decided by</dt><dd><code>" + esc(by) + "</code></dd>"
                + "<dt>What to do</dt><dd>" + esc(DecisionExplainer.senderAdvice(by, signals)) + "</dd>")
                + "</dl><p>If you believe this is a mistake, write to postmaster@" + esc(hostname)
                + " and quote the reference.</p>";
    }

    private void page(HttpExchange ex, int code, String title, String body) throws IOException {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;padding:0 1em}dt{font-weight:bold}</style>"
                + "</head><body><h1>" + esc(title) + "</h1><p>Mail to " + esc(hostname) + "</p>" + body + "</body></html>";
        HttpEndpoints.reply(ex, code, "text/html; charset=utf-8", HttpEndpoints.utf8(html));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
