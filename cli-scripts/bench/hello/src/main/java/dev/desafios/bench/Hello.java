package dev.desafios.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The benchmarks' yardstick: {@code GET /} answers 200 "hello" on PORT (default 8080); with
 * {@code PROXY_TO} set, the minimal proxy of the gateway's benchmark instead ({@link MinimalProxy}).
 */
public final class Hello {
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.US_ASCII);

    private Hello() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String proxyTo = System.getenv("PROXY_TO");
        if (proxyTo != null) {
            MinimalProxy.serve(port, proxyTo);
            return;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", Hello::handle);
        server.start();
        System.out.println("listening on " + port);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
        }
    }
}
