package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} on a port of its own ({@code ADMIN_PORT}), never published and never
 * routed by the gateway: what Prometheus scrapes from inside the service's networks. One request
 * at a time, on the server's own thread: a scrape is rare and short.
 */
final class AdminServer implements AutoCloseable {
    private final HttpServer http;

    private AdminServer(HttpServer http) {
        this.http = http;
    }

    /** Serves the metrics on the port (0 picks a free one). */
    static AdminServer start(int port, Metrics metrics) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(port), 16);
            http.createContext("/", exchange -> answer(exchange, metrics));
            http.start();
            Log.info("metrics listening", new JsonObject().add("port", http.getAddress().getPort()).add("path", "/metrics"));
            return new AdminServer(http);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on ADMIN_PORT " + port, e);
        }
    }

    int port() {
        return http.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Metrics metrics) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"/metrics".equals(exchange.getRequestURI().getRawPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics.text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", Metrics.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : body.length);
            if (method.equals("GET")) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
