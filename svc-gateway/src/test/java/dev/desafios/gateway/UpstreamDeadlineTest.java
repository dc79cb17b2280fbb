package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One deadline per upstream call (UPSTREAM_TIMEOUT), from the connect to the last byte of the
 * body, a body limit (UPSTREAM_MAX_BODY_BYTES), and a stop that cancels what is still in flight.
 */
class UpstreamDeadlineTest {
    private static final String BODY = "{\"id\":1,\"name\":\"" + "x".repeat(200) + "\"}";
    private final FakeUpstream users = FakeUpstream.start();
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("UPSTREAM_TIMEOUT", "800ms",
            "UPSTREAM_MAX_BODY_BYTES", "2048")).point("users", users).closing(users);

    @Test
    void bodyTrickles_504WithinTheDeadline() {
        users.answer(FakeUpstream.json(200, BODY).trickled(Duration.ofMillis(20)));

        long start = System.nanoTime();
        JsonObject problem = problem(gateway.http.get("/api/users/1"), 504);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "answered after " + took);
        assertEquals("users did not answer in time", problem.getString("detail", null));
    }

    @Test
    void bodyStalls_504WithinTheDeadline_addressStaysInRotation() {
        users.answer(FakeUpstream.json(200, BODY).trickled(Duration.ofMinutes(1)));

        long start = System.nanoTime();
        problem(gateway.http.get("/api/users/1"), 504);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        users.answer(FakeUpstream.json(200, BODY));

        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "answered after " + took);
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
    }

    @Test
    void headersLate_504WithinTheDeadline() {
        users.answer(FakeUpstream.json(200, BODY).after(Duration.ofSeconds(5)));

        long start = System.nanoTime();
        problem(gateway.http.get("/api/users/1"), 504);

        assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos());
    }

    @Test
    void bodyOverTheLimit_502() {
        users.answer(FakeUpstream.json(200, "[" + "1,".repeat(2000) + "1]"));

        JsonObject problem = problem(gateway.http.get("/api/users"), 502);

        assertEquals("users answered a body over the size limit", problem.getString("detail", null));
    }

    @Test
    void bodyOverTheLimitWithoutLength_502() {
        // Read until the close: only counting the bytes as they come can stop it.
        users.answer(new FakeUpstream.Answer(0, null, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\n\r\n[" + "1,".repeat(2000) + "1]", Duration.ZERO));

        problem(gateway.http.get("/api/users"), 502);
    }

    @Test
    void bodyAtTheLimit_passed() {
        String body = "\"" + "x".repeat(2046) + "\"";
        users.answer(FakeUpstream.json(200, body));

        HttpResponse<String> response = gateway.http.get("/api/users");

        assertEquals(200, response.statusCode());
        assertEquals(body, response.body());
    }

    @Test
    void head_lengthOverTheLimit_passedWithoutABody() {
        users.answer(FakeUpstream.json(200, "[" + "1,".repeat(2000) + "1]"));

        HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertEquals(200, response.statusCode());
        assertEquals("HEAD", users.received().get(0).method());
    }

    @Test
    void stop_callInFlightPastTheDrain_answered504BeforeTheDrainEnds() throws Exception {
        gateway.restart(Map.of("UPSTREAM_TIMEOUT", "1m"));
        users.answer(FakeUpstream.json(200, BODY).trickled(Duration.ofMinutes(1)));
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1"));
        for (int i = 0; i < 100 && users.received().isEmpty(); i++) {
            Thread.sleep(20);
        }

        long start = System.nanoTime();
        gateway.server().stop();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // The call ends with the drain (5 s), in time for its 504 to be written before the close.
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "stop took " + took);
        problem(inFlight.get(1, TimeUnit.SECONDS), 504);
    }

    @Test
    void stop_requestArrivingDuringTheDrain_answered504BeforeTheDrainEnds() throws Exception {
        gateway.restart(Map.of("UPSTREAM_TIMEOUT", "1m"));
        // Two kept connections: the second one's request reaches the gateway once it is draining.
        users.answer(FakeUpstream.json(200, BODY).after(Duration.ofMillis(300)));
        var warm = List.of(CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1")),
                CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1")));
        for (var answer : warm) {
            assertEquals(200, answer.get(5, TimeUnit.SECONDS).statusCode());
        }
        users.answer(FakeUpstream.json(200, BODY).after(Duration.ofMinutes(1)));
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1"));
        assertTrue(users.awaitReceived(3), "the first slow request reached users");
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway.server()::stop);
        Thread.sleep(500);

        long sent = System.nanoTime();
        HttpResponse<String> late = gateway.http.get("/api/users/1");
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        problem(late, 504);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered after " + took);
        problem(first.get(1, TimeUnit.SECONDS), 504);
        stopping.get(5, TimeUnit.SECONDS);
    }
}
