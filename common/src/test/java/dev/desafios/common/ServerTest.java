package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServerTest {

    @Test
    void stop_requestInFlight_finishesBeforeStopReturns() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Server server = Server.start(0, new Router(65536).get("/slow", request -> {
            entered.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            return Response.ok(new JsonObject().add("done", true));
        }));
        var http = new TestHttp(server.port());
        try {
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> http.get("/slow"));
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the slow request reached its handler");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            awaitRefused(server.port());
            assertFalse(stopping.isDone(), "stop waits for the request in flight");

            release.countDown();
            HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("{\"done\":true}", response.body());
            stopping.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            server.stop();
            http.close();
        }
    }

    @Test
    void stop_calledTwice_closesResourcesOnce() {
        var closed = new AtomicInteger();
        Server server = Server.start(0, new Router(65536), closed::incrementAndGet);

        server.stop();
        server.stop();

        assertEquals(1, closed.get());
        assertRefused(server.port());
    }

    @Test
    void stop_resourceFailsToClose_laterResourcesStillClosed() {
        var closed = new AtomicInteger();
        Server server = Server.start(0, new Router(65536), () -> {
            throw new IllegalStateException("close failed");
        }, closed::incrementAndGet);

        server.stop();

        assertEquals(1, closed.get());
    }

    @Test
    void start_portTaken_failsNamingThePort() {
        Server first = Server.start(0, new Router(65536));
        try {
            var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> Server.start(first.port(), new Router(65536)));
            assertTrue(e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
        } finally {
            first.stop();
        }
    }

    /** Polls (bounded) until the port refuses connections: the server stopped accepting. */
    private static void awaitRefused(int port) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (!accepts(port)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }

    private static void assertRefused(int port) {
        assertFalse(accepts(port), "port " + port + " refuses connections");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
