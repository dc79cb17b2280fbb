package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The background health checks: addresses set aside by their own /health, not by clients' requests. */
class HealthChecksTest {
    private static final FakeUpstream.Answer UP = FakeUpstream.json(200, "{\"status\":\"UP\"}");
    private final FakeUpstream usersA = FakeUpstream.start().answer(UP);
    private final FakeUpstream usersB = FakeUpstream.start().answer(UP);
    private final FakeUpstream usersC = FakeUpstream.start().answer(UP);
    private final FakeUpstream orders = FakeUpstream.start().answer(UP);
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("UPSTREAM_HEALTH_INTERVAL", "200ms"))
            .point("users", usersA, usersB, usersC).point("orders", orders).closing(usersA, usersB, usersC, orders);

    @Test
    void twoOfThreeAddressesSilent_setAsideBeforeAnyClientAsks_everyRequestAnsweredAtOnce() {
        // A machine that is gone takes every replica it ran: their addresses fall silent together.
        usersA.answer(UP.after(Duration.ofSeconds(10)));
        usersB.answer(UP.after(Duration.ofSeconds(10)));

        sleep(3000);
        for (int i = 0; i < 6; i++) {
            long started = System.nanoTime();
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
            assertTrue(System.nanoTime() - started < Duration.ofMillis(500).toNanos(), "a request waited on a silent address");
        }

        assertTrue(usersA.received().stream().allMatch(r -> r.target().equals("/health")), "a client request reached A");
        assertTrue(usersB.received().stream().allMatch(r -> r.target().equals("/health")), "a client request reached B");
        assertEquals(6, usersC.received().stream().filter(r -> r.target().equals("/users/1")).count());
    }

    @Test
    void addressFailingItsHealth_setAside_thenBackWithItsFirst200() {
        usersB.answer(FakeUpstream.json(503, "{\"status\":\"DOWN\"}"));
        sleep(2000);
        assertEquals(0, clientRequests(usersB, 6), "the failing address still got requests");

        usersB.answer(UP);
        sleep(1000);
        assertTrue(clientRequests(usersB, 6) > 0, "the address that answers again got no request");
    }

    @Test
    void clientRequestsAnswered500_neverSetTheAddressAside() {
        usersB.answer(FakeUpstream.json(500, "{}"));
        for (int i = 0; i < 6; i++) {
            gateway.http.get("/api/users/1");
        }
        usersB.answer(UP);
        sleep(1000);

        assertEquals(2, clientRequests(usersB, 6));
    }

    /** How many of {@code count} GETs reached the upstream. */
    private long clientRequests(FakeUpstream upstream, int count) {
        long before = upstream.received().stream().filter(r -> !r.target().equals("/health")).count();
        for (int i = 0; i < count; i++) {
            gateway.http.get("/api/users/1");
        }
        return upstream.received().stream().filter(r -> !r.target().equals("/health")).count() - before;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
