package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway counts requests under its own routes (its router has one catch-all), never under
 * raw paths, and its calls to each upstream by how they ended, and its rate limit's refusals.
 */
class GatewayMetricsTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().point("users", users).closing(users);

    @Test
    void requests_countedByTheGatewaysRoutes() {
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        assertEquals(200, gateway.http.get("/api/users/2?x=1").statusCode());
        assertEquals(200, gateway.http.get("/health").statusCode());
        assertEquals(400, gateway.http.get("/api/users/%2e%2e/secret").statusCode());
        assertEquals(404, gateway.http.get("/elsewhere/" + System.nanoTime()).statusCode());

        String text = gateway.metrics();

        assertTrue(text.contains("http_requests_total{route=\"/api/users/**\",method=\"GET\",status=\"200\"} 2\n"), text);
        assertTrue(text.contains("http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1\n"), text);
        assertTrue(text.contains("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"400\"} 1\n"), text);
        assertTrue(text.contains("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"), text);
        assertTrue(!text.contains("elsewhere") && !text.contains("secret"), text);
        assertTrue(text.contains("gateway_upstream_calls_total{upstream=\"users\",outcome=\"answered\"} 2\n"), text);
    }

    @Test
    void refusals_countedByCause() throws InterruptedException {
        gateway.restart(Map.of("RATE_LIMIT", "1", "RATE_BURST", "2", "UPSTREAM_MAX_IN_FLIGHT", "1"));
        users.answer(FakeUpstream.json(200, "{}").after(Duration.ofMillis(600)));
        var slow = CompletableFuture.supplyAsync(() -> gateway.http.get("/api/users/1"));
        assertTrue(users.awaitReceived(1));
        assertEquals(503, gateway.http.get("/api/users/2").statusCode(), "the bulkhead");
        assertEquals(429, gateway.http.get("/api/users/3").statusCode(), "the rate limit");
        assertEquals(200, slow.join().statusCode());

        String text = gateway.metrics();

        assertTrue(text.contains("gateway_upstream_calls_total{upstream=\"users\",outcome=\"busy\"} 1\n"), text);
        assertTrue(text.contains("gateway_upstream_calls_total{upstream=\"users\",outcome=\"answered\"} 1\n"), text);
        assertTrue(text.contains("\ngateway_rate_limited_total 1\n"), text);
    }

    @Test
    void upstreamDown_failedCallCounted() {
        users.close();

        assertEquals(502, gateway.http.get("/api/users/1").statusCode());

        assertTrue(gateway.metrics().contains("gateway_upstream_calls_total{upstream=\"users\",outcome=\"failed\"} 1\n"),
                gateway.metrics());
    }
}
