package dev.desafios.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * The benchmark's diagnostic row: the least a proxy on the JDK's own server and client does.
 * {@code GET /api/users/**} goes to {@code PROXY_TO}{@code /users/**} with one client (and
 * {@code /health} answers 200, for the image's health check), its
 * status, content type and body passed back, and one access line per request on stdout (as
 * nginx and the gateway write theirs). No limits, deadline, retries, balancing or metrics: what
 * is left between this and the gateway is what the gateway's features cost. What the stack itself
 * needs to go fast it has, as the gateway does: the client runs its steps on the threads that get
 * to them (no hand-off to a pool), and access lines are buffered and written every few
 * milliseconds, not one write per request.
 */
final class MinimalProxy {
    private static final String PREFIX = "/api";
    private static final long FLUSH_EVERY_MILLIS = 5;
    private static final PrintStream ACCESS = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), false, StandardCharsets.UTF_8);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .executor(Runnable::run).build();
    private final String target;

    private MinimalProxy(String target) {
        this.target = target;
    }

    static void serve(int port, String target) throws IOException {
        var proxy = new MinimalProxy(target.replaceAll("/+$", ""));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", proxy::handle);
        server.start();
        Thread.ofPlatform().daemon().name("access-flush").start(MinimalProxy::flushForever);
        ACCESS.println("proxying on " + port + " to " + target);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        int status = 502;
        int bytes = 0;
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/health")) {
                // For the image's own health check.
                exchange.sendResponseHeaders(status = 200, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") || !path.startsWith(PREFIX + "/users/")) {
                exchange.sendResponseHeaders(status = 404, -1);
                return;
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(target + path.substring(PREFIX.length())))
                    .GET().build();
            try {
                HttpResponse<byte[]> answer = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                status = answer.statusCode();
                bytes = answer.body().length;
                answer.headers().firstValue("Content-Type")
                        .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                exchange.sendResponseHeaders(status, bytes == 0 ? -1 : bytes);
                exchange.getResponseBody().write(answer.body());
            } catch (IOException e) {
                exchange.sendResponseHeaders(status = 502, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(status = 503, -1);
            }
        } finally {
            ACCESS.println("{\"time\":\"" + Instant.now() + "\",\"method\":\"" + exchange.getRequestMethod()
                    + "\",\"path\":\"" + exchange.getRequestURI().getRawPath() + "\",\"status\":" + status
                    + ",\"bytes\":" + bytes + ",\"ms\":" + (System.nanoTime() - started) / 1_000_000 + "}");
        }
    }

    private static void flushForever() {
        while (true) {
            try {
                Thread.sleep(FLUSH_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            ACCESS.flush();
        }
    }
}
