package net.portcullis.gateway.admin;

import java.io.IOException;
import java.net.InetSocketAddress;
import com.sun.net.httpserver.HttpServer;
import net.portcullis.gateway.metrics.Metrics;

/**
 * A small HTTP endpoint for operators: {@code /metrics} (Prometheus text format), {@code /health},
 * {@code /v1/feed} (our listings for other providers, signed: {@link ListingFeed}), and, when
 * review.accounts is set, the review page under {@code /review/} (which has its own login). Bind it to loopback or a management network: metrics and health have no authentication.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;

    /**
     * @param downstream null when the protected server answers now, else why it does not:
     *                   {@code /health/live} says the process serves, {@code /health} and
     *                   {@code /health/ready} also that mail can pass (503 otherwise, so a
     *                   load balancer sends clients to another gateway)
     */
    public AdminServer(InetSocketAddress listen, Metrics metrics, java.util.function.Supplier<String> downstream,
                       java.util.function.Supplier<String> servers, com.sun.net.httpserver.HttpHandler review, ListingFeed feed)
            throws IOException {
        // a login costs a PBKDF2 derivation (~100 ms): more threads, so a scrape never waits behind one
        server = HttpEndpoints.start(listen, "admin-http", review == null ? 2 : 6);
        if (review != null) {
            server.createContext("/review", review);
        }
        server.createContext("/metrics", ex -> HttpEndpoints.reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                HttpEndpoints.utf8(metrics.scrape())));
        server.createContext("/health/live", ex -> HttpEndpoints.reply(ex, 200, "text/plain; charset=utf-8", HttpEndpoints.utf8("ok\n")));
        com.sun.net.httpserver.HttpHandler ready = ex -> {
            if (!ex.getRequestURI().getPath().equals("/health") && !ex.getRequestURI().getPath().equals("/health/ready")) {
                HttpEndpoints.reply(ex, 404, "text/plain; charset=utf-8", HttpEndpoints.utf8("not found\n"));
                return;
            }
            String problem = downstream.get();
            HttpEndpoints.reply(ex, problem == null ? 200 : 503, "text/plain; charset=utf-8",
                    HttpEndpoints.utf8((problem == null ? "ok\n" : "not ready: " + problem + "\n") + servers.get()));
        };
        server.createContext("/health", ready);
        if (feed != null) {
            server.createContext("/v1/feed", feed);
        }
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
