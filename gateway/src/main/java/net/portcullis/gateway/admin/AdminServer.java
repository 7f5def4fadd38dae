package net.portcullis.gateway.admin;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A small HTTP endpoint for operators: {@code /metrics} (Prometheus text format) and
 * {@code /health}. Bind it to loopback or a management network only: it has no authentication.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;

    public AdminServer(InetSocketAddress listen, Metrics metrics) throws IOException {
        server = HttpEndpoints.start(listen, "admin-http", 2);
        server.createContext("/metrics", ex -> HttpEndpoints.reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                HttpEndpoints.utf8(metrics.scrape())));
        server.createContext("/health", ex -> HttpEndpoints.reply(ex, 200, "text/plain; charset=utf-8", HttpEndpoints.utf8("ok\n")));
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
