package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outbound calls against a scripted upstream: answers pass through, failures map to 502/503/504. */
class HttpCallsTest {
    private final HttpCalls calls = new HttpCalls(Duration.ofSeconds(2), Duration.ofMillis(300));
    private final FakeUpstream upstream = FakeUpstream.start();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void get_upstreamAnswers_returnsStatusAndBodyAndForwardsRequestId() {
        upstream.answer(FakeUpstream.json(200, "{\"hostname\":\"api-1\"}"));

        HttpResponse<byte[]> response = calls.get(upstream.uri("/hello?x=1"), "req-42");

        assertEquals(200, response.statusCode());
        assertEquals("{\"hostname\":\"api-1\"}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(1, upstream.received().size());
        FakeUpstream.Received received = upstream.received().get(0);
        assertEquals("GET", received.method());
        assertEquals("/hello?x=1", received.target());
        assertEquals("req-42", received.header("X-Request-Id"));
    }

    @Test
    void get_upstreamAnswers500_returnedNotThrown() {
        upstream.answer(FakeUpstream.json(500, "{}"));

        assertEquals(500, calls.get(upstream.uri("/"), "r").statusCode());
    }

    @Test
    void get_connectionRefused_502() {
        upstream.close();

        Problem problem = assertThrows(Problem.class, () -> calls.get(upstream.uri("/"), "r"));

        assertEquals(502, problem.status());
        assertEquals("127.0.0.1 refused the connection", problem.getMessage());
    }

    @Test
    void get_upstreamTooSlow_504() {
        upstream.answer(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(5)));

        Problem problem = assertThrows(Problem.class, () -> calls.get(upstream.uri("/"), "r"));

        assertEquals(504, problem.status());
        assertEquals(1, upstream.received().size());
    }

    @Test
    void get_namedService_problemsNameItNeverTheHostOrPort() {
        var users = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofMillis(300), 1024);
        upstream.close();

        Problem problem = assertThrows(Problem.class, () -> users.get(upstream.uri("/"), "r"));

        assertEquals("users refused the connection", problem.getMessage());
    }

    @Test
    void get_bodyTrickles_504AtTheDeadline() {
        upstream.answer(FakeUpstream.json(200, "{\"name\":\"" + "x".repeat(100) + "\"}").trickled(Duration.ofMillis(20)));

        long start = System.nanoTime();
        Problem problem = assertThrows(Problem.class, () -> calls.get(upstream.uri("/"), "r"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(504, problem.status());
        assertTrue(tookMs < 1000, "answered after " + tookMs + " ms");
    }

    @Test
    void get_bodyStalls_504AtTheDeadline() {
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").trickled(Duration.ofMinutes(1)));

        long start = System.nanoTime();
        Problem problem = assertThrows(Problem.class, () -> calls.get(upstream.uri("/"), "r"));

        assertEquals(504, problem.status());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }

    @Test
    void get_bodyOverTheLimit_502() {
        var small = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofSeconds(1), 100);
        upstream.answer(FakeUpstream.json(200, "[" + "1,".repeat(100) + "1]"));

        Problem problem = assertThrows(Problem.class, () -> small.get(upstream.uri("/"), "r"));

        assertEquals(502, problem.status());
        assertEquals("users answered a body over the size limit", problem.getMessage());
    }

    @Test
    void get_closeDelimitedBodyOverTheLimit_502() {
        var small = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofSeconds(1), 100);
        upstream.answer(new FakeUpstream.Answer(0, null, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                + "x".repeat(5000), Duration.ZERO));

        assertEquals(502, assertThrows(Problem.class, () -> small.get(upstream.uri("/"), "r")).status());
    }

    @Test
    void send_bodyStalls_timesOutAtTheDeadlineAndLeavesNoInterrupt() throws Exception {
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").trickled(Duration.ofMinutes(1)));
        try (var client = new CallClient(Duration.ofSeconds(1))) {
            var request = java.net.http.HttpRequest.newBuilder(upstream.uri("/")).build();
            long start = System.nanoTime();

            assertThrows(java.net.http.HttpTimeoutException.class, () -> client.send(request,
                    HttpResponse.BodyHandlers.ofByteArray(), start + 300_000_000L));

            assertTrue(System.nanoTime() - start < 1_000_000_000L);
            assertFalse(Thread.currentThread().isInterrupted(), "the deadline's interrupt outlived the call");
        }
    }

    @Test
    void send_answeredInTime_noInterruptComesAfter() throws Exception {
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}"));
        try (var client = new CallClient(Duration.ofSeconds(1))) {
            var request = java.net.http.HttpRequest.newBuilder(upstream.uri("/")).build();

            var answer = client.send(request, HttpResponse.BodyHandlers.ofString(),
                    System.nanoTime() + 200_000_000L);

            assertEquals("{\"a\":1}", answer.body());
            // Past the deadline: a sleep that an interrupt would cut short.
            Thread.sleep(400);
            assertFalse(Thread.currentThread().isInterrupted());
        }
    }

    @Test
    void callDeadline_firedBeforeClose_itsInterruptIsCleared() {
        var deadline = new CallDeadline.Group().start(System.nanoTime());
        long giveUp = System.nanoTime() + 2_000_000_000L;
        while (!deadline.expired() && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }

        deadline.close();

        assertTrue(deadline.expired());
        assertFalse(Thread.interrupted());
    }

    @Test
    void close_callInFlight_cancelledAtOnce() throws Exception {
        var slow = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofMinutes(1), 1024);
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").trickled(Duration.ofMinutes(1)));
        var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return slow.get(upstream.uri("/"), "r").statusCode();
            } catch (Problem problem) {
                return problem.status();
            }
        });
        for (int i = 0; i < 100 && upstream.received().isEmpty(); i++) {
            Thread.sleep(20);
        }

        slow.close();

        assertEquals(502, inFlight.get(2, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void draining_callInFlight_504ByTheDrainsEnd() throws Exception {
        var slow = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofMinutes(1), 1024);
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").after(Duration.ofMinutes(1)));
        long start = System.nanoTime();
        var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> statusOf(slow));
        for (int i = 0; i < 100 && upstream.received().isEmpty(); i++) {
            Thread.sleep(20);
        }

        slow.draining(System.nanoTime() + 300_000_000L);

        assertEquals(504, inFlight.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < 2_500_000_000L, "ended after the drain");
        slow.close();
    }

    @Test
    void draining_callStartedAfter_504ByTheDrainsEnd() {
        var slow = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofMinutes(1), 1024);
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").after(Duration.ofMinutes(1)));
        slow.draining(System.nanoTime() + 300_000_000L);
        long start = System.nanoTime();

        assertEquals(504, statusOf(slow));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "ended after the drain");
        assertFalse(Thread.currentThread().isInterrupted(), "the drain's interrupt outlived the call");
        slow.close();
    }

    @Test
    void draining_ofOneClient_leavesAnothersCallsAlone() {
        var drained = new HttpCalls("users", Duration.ofSeconds(1), Duration.ofMinutes(1), 1024);
        upstream.answer(FakeUpstream.json(200, "{\"a\":1}").after(Duration.ofMillis(600)));

        drained.draining(System.nanoTime());

        assertEquals(200, statusOf(new HttpCalls("users", Duration.ofSeconds(1), Duration.ofSeconds(5), 1024)));
        drained.close();
    }

    private int statusOf(HttpCalls calls) {
        try {
            return calls.get(upstream.uri("/"), "r").statusCode();
        } catch (Problem problem) {
            return problem.status();
        }
    }

    @Test
    void get_unknownHost_503() {
        Problem problem = assertThrows(Problem.class,
                () -> calls.get(URI.create("http://no-such-host.invalid:8080/"), "r"));

        assertEquals(503, problem.status());
    }

    @Test
    void get_garbageAnswer_502() {
        upstream.answer(FakeUpstream.garbage());

        Problem problem = assertThrows(Problem.class, () -> calls.get(upstream.uri("/"), "r"));

        assertEquals(502, problem.status());
    }

    @Test
    void router_handlerCallingUpstream_forwardsRequestIdAndMapsFailures() {
        Handler proxy = request -> {
            HttpResponse<byte[]> answer = calls.get(upstream.uri("/users/1"), request.requestId());
            return Response.json(answer.statusCode(), new JsonObject().add("upstream", answer.statusCode()));
        };
        try (var server = new TestServer(() -> Server.start(0, new Router(65536).get("/proxy", proxy))).begin()) {
            TestHttp http = server.http();
            HttpResponse<String> ok = http.send(http.request("/proxy").header("X-Request-Id", "trace-7"));
            assertEquals(200, ok.statusCode());
            assertEquals("trace-7", upstream.received().get(0).header("X-Request-Id"));

            upstream.close();
            HttpResponse<String> refused = http.send(http.request("/proxy").header("X-Request-Id", "trace-8"));
            assertEquals("trace-8", problem(refused, 502).getString("requestId", null));
        }
    }
}
