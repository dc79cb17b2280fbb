package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /metrics} on a port of its own ({@code ADMIN_PORT}), never published and never
 * routed by the gateway: what Prometheus scrapes from inside the service's networks. With
 * {@code ADMIN_SUBNET}, only on the container's address in that network: a container joins its
 * second network after it starts, so the address is waited for, and the port opens when it comes.
 * One request at a time, on the server's own thread: a scrape is rare and short.
 */
final class AdminServer implements AutoCloseable {
    private static final Duration LOOK_EVERY = Duration.ofMillis(200);
    private final int port;
    private final Metrics metrics;
    private volatile HttpServer http;
    private volatile Thread waiting;
    private boolean closed;

    private AdminServer(int port, Metrics metrics) {
        this.port = port;
        this.metrics = metrics;
    }

    /** Serves the metrics on the port (0 picks a free one), on every address or the subnet's. */
    static AdminServer start(int port, Metrics metrics, IpBlock subnet) {
        var admin = new AdminServer(port, metrics);
        if (subnet == null) {
            admin.listen(new InetSocketAddress(port));
            return admin;
        }
        InetAddress address = localAddressIn(subnet);
        if (address != null) {
            admin.listen(new InetSocketAddress(address, port));
            return admin;
        }
        Log.info("metrics wait for an address in ADMIN_SUBNET", new JsonObject().add("port", port));
        admin.waiting = Thread.ofVirtual().name("admin-address").start(() -> admin.listenWhenJoined(subnet));
        return admin;
    }

    private void listenWhenJoined(IpBlock subnet) {
        try {
            InetAddress address;
            while ((address = localAddressIn(subnet)) == null) {
                Thread.sleep(LOOK_EVERY);
            }
            listen(new InetSocketAddress(address, port));
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Log.error("metrics not served", e);
        }
    }

    /** This machine's first address in the block, or null. */
    static InetAddress localAddressIn(IpBlock subnet) {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .filter(subnet::contains).findFirst().orElse(null);
        } catch (SocketException e) {
            return null;
        }
    }

    private synchronized void listen(InetSocketAddress where) {
        if (closed) {
            return;
        }
        try {
            HttpServer server = HttpServer.create(where, 16);
            server.createContext("/", exchange -> answer(exchange, metrics));
            server.start();
            http = server;
            Log.info("metrics listening", new JsonObject().add("address", where.getAddress().getHostAddress())
                    .add("port", server.getAddress().getPort()).add("path", "/metrics"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on ADMIN_PORT " + port, e);
        }
    }

    /** The port bound, or -1 while the subnet's address is awaited. */
    int port() {
        HttpServer server = http;
        return server == null ? -1 : server.getAddress().getPort();
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
    public synchronized void close() {
        closed = true;
        if (waiting != null) {
            waiting.interrupt();
        }
        if (http != null) {
            http.stop(0);
        }
    }
}
