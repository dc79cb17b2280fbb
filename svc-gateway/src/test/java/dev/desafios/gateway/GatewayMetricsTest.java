package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway counts requests under its own routes (its router has one catch-all), never under raw paths. */
class GatewayMetricsTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    private final TestGateway gateway = TestGateway.start().point("users", users);

    @AfterEach
    void stop() {
        gateway.close();
        users.close();
    }

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
    }
}
