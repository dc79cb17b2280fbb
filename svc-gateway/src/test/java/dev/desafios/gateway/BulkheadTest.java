package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UPSTREAM_MAX_IN_FLIGHT: past that many calls in flight to one service, a request gets a 503
 * problem at once instead of joining the wait, the other service is not held back, and the
 * service is called again as soon as calls finish.
 */
class BulkheadTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}").after(Duration.ofMillis(800)));
    private final FakeUpstream orders = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("UPSTREAM_MAX_IN_FLIGHT", "2"))
            .point("users", users).point("orders", orders).closing(users, orders);

    @Test
    void pastTheBound_503AtOnce_otherServiceServed_thenServedAgain() throws Exception {
        var slow = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 2; i++) {
            slow.add(CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1")));
        }
        assertTrue(users.awaitReceived(2), "requests in flight at the upstream");

        long start = System.nanoTime();
        HttpResponse<String> refused = gateway.http.get("/api/users/2");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        var body = problem(refused, 503);
        assertTrue(body.getString("detail", "").contains("users has 2 calls in flight"), body.toString());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        assertTrue(took.toMillis() < 300, "answered at once, not after the slow calls: " + took);
        assertEquals(2, users.received().size(), "the refused request never reached users");
        assertEquals(200, gateway.http.get("/api/orders/1").statusCode(), "orders has a bound of its own");

        for (CompletableFuture<HttpResponse<String>> call : slow) {
            assertEquals(200, call.get().statusCode());
        }
        assertEquals(200, gateway.http.get("/api/users/3").statusCode());
    }
}
