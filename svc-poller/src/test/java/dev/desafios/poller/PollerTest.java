package dev.desafios.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.HttpCalls;
import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Poller#pollOnce} against a scripted upstream; delays from a deterministic {@link Backoff}. */
class PollerTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final String API_ANSWER =
            "{\"message\":\"Hello from svc-api\",\"hostname\":\"api-7\",\"time\":\"2026-01-01T00:00:00Z\",\"visits\":1}";

    private FakeUpstream upstream = FakeUpstream.start();
    private final HttpCalls calls = new HttpCalls(Duration.ofSeconds(1), Duration.ofMillis(250));
    private final Poller poller = new Poller(calls, upstream.uri("/"),
            new Backoff(INTERVAL, Duration.ofSeconds(1), BackoffTest.HIGHEST));

    @AfterEach
    void stop() {
        poller.close();
        upstream.close();
    }

    @Test
    void pollOnce_apiUp_okWithHostnameAndInterval() {
        upstream.answer(FakeUpstream.json(200, API_ANSWER));

        Poller.Outcome outcome = poller.pollOnce();

        assertTrue(outcome.ok());
        assertEquals(200, outcome.status());
        assertEquals("api-7", outcome.apiHostname());
        assertEquals(INTERVAL, outcome.next());
    }

    @Test
    void pollOnce_request_getOfTargetWithGeneratedRequestId() {
        upstream.answer(FakeUpstream.json(200, API_ANSWER));

        poller.pollOnce();
        poller.pollOnce();

        assertEquals(2, upstream.received().size());
        for (FakeUpstream.Received received : upstream.received()) {
            assertEquals("GET", received.method());
            assertEquals("/", received.target());
            assertTrue(received.header("X-Request-Id").matches("[0-9a-f]{16}"), received.headers().toString());
        }
        assertNotEquals(upstream.received().get(0).header("X-Request-Id"),
                upstream.received().get(1).header("X-Request-Id"));
    }

    @Test
    void pollOnce_slowThenRefusedThen500ThenBack_backsOffThenReturnsToInterval() {
        upstream.answer(FakeUpstream.json(200, API_ANSWER).after(Duration.ofSeconds(5)));
        Poller.Outcome slow = poller.pollOnce();
        assertFalse(slow.ok());
        assertEquals(0, slow.status());
        assertEquals(Duration.ofMillis(200), slow.next());
        assertEquals(1, upstream.received().size(), "the slow call reached the API");

        int port = upstream.port();
        upstream.close();
        Poller.Outcome refused = poller.pollOnce();
        assertFalse(refused.ok());
        assertEquals(0, refused.status());
        assertEquals(Duration.ofMillis(400), refused.next());

        upstream = FakeUpstream.startOn(port).answer(FakeUpstream.json(500, "{\"title\":\"boom\"}"));
        Poller.Outcome error = poller.pollOnce();
        assertFalse(error.ok());
        assertEquals(500, error.status());
        assertEquals(Duration.ofMillis(800), error.next());

        upstream.answer(FakeUpstream.json(200, API_ANSWER));
        Poller.Outcome back = poller.pollOnce();
        assertTrue(back.ok());
        assertEquals("api-7", back.apiHostname());
        assertEquals(INTERVAL, back.next());

        assertEquals(2, upstream.received().size());
        upstream.received().forEach(r -> assertTrue(r.header("X-Request-Id").matches("[0-9a-f]{16}")));
    }

    @Test
    void pollOnce_failuresBeyondCap_delayStaysAtCapThenResets() {
        upstream.answer(FakeUpstream.json(503, "{}"));
        Duration last = null;
        for (int i = 0; i < 8; i++) {
            last = poller.pollOnce().next();
        }
        assertEquals(Duration.ofSeconds(1), last);

        upstream.answer(FakeUpstream.json(200, API_ANSWER));
        assertEquals(INTERVAL, poller.pollOnce().next());
    }

    @Test
    void pollOnce_garbageAnswer_failureWithoutStatus() {
        upstream.answer(FakeUpstream.garbage());

        Poller.Outcome outcome = poller.pollOnce();

        assertFalse(outcome.ok());
        assertEquals(0, outcome.status());
        assertEquals(Duration.ofMillis(200), outcome.next());
    }

    @Test
    void pollOnce_200WithoutJson_okWithoutHostname() {
        upstream.answer(new FakeUpstream.Answer(200, "text/plain", "hello", Duration.ZERO));

        Poller.Outcome outcome = poller.pollOnce();

        assertTrue(outcome.ok());
        assertNull(outcome.apiHostname());
        assertEquals(INTERVAL, outcome.next());
    }

    @Test
    void pollOnce_redirect_failureNotFollowed() {
        upstream.answer(new FakeUpstream.Answer(302, "text/plain", "", Duration.ZERO));

        Poller.Outcome outcome = poller.pollOnce();

        assertFalse(outcome.ok());
        assertEquals(302, outcome.status());
        assertEquals(1, upstream.received().size());
    }

    @Test
    void start_loopRunning_pollsRepeatedlyUntilClosed() throws InterruptedException {
        upstream.answer(FakeUpstream.json(200, API_ANSWER));
        var fast = new Poller(calls, upstream.uri("/"), new Backoff(Duration.ofMillis(10), Duration.ofMillis(50),
                BackoffTest.HIGHEST));

        fast.start();
        assertTrue(fast.isRunning());
        awaitRequests(3);
        fast.close();

        assertFalse(fast.isRunning());
        Set<String> ids = upstream.received().stream().map(r -> r.header("X-Request-Id")).collect(Collectors.toSet());
        assertEquals(upstream.received().size(), ids.size(), "each call has its own request id");
    }

    private void awaitRequests(int count) throws InterruptedException {
        for (int i = 0; i < 500 && upstream.received().size() < count; i++) {
            Thread.sleep(10);
        }
        assertTrue(upstream.received().size() >= count, "requests received: " + upstream.received().size());
    }
}
