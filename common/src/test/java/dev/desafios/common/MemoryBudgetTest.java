package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    /** Runs the check on a real exchange (the budget keeps what it reserved on it). */
    private static void onExchange(java.util.function.Consumer<com.sun.net.httpserver.HttpExchange> check) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var failure = new AtomicReference<Throwable>();
        server.createContext("/", exchange -> {
            try {
                check.accept(exchange);
            } catch (Throwable t) {
                failure.set(t);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try (var client = HttpClient.newHttpClient()) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } finally {
            server.stop(0);
        }
        if (failure.get() instanceof Error error) {
            throw error;
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void reserve_overTheBudget_503WithRetryAfterAndNothingTaken() throws Exception {
        var budget = new MemoryBudget(64 * 1024);
        onExchange(exchange -> {
            budget.reserve(exchange, 48 * 1024);
            Problem busy = assertThrows(Problem.class, () -> budget.reserve(exchange, 32 * 1024));
            assertEquals(503, busy.status());
            assertEquals("1", busy.headers().values().get("Retry-After"));
            assertEquals(16, budget.available());
        });
    }

    @Test
    void release_afterReserving_everythingBackOnce() throws Exception {
        var budget = new MemoryBudget(64 * 1024);
        onExchange(exchange -> {
            budget.reserve(exchange, 10 * 1024);
            budget.reserve(exchange, 20 * 1024);
            budget.release(exchange);
            budget.release(exchange);
            assertEquals(64, budget.available());
        });
    }
}
