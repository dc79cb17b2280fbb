package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RATE_LIMIT at the gateway: past the burst a 429 problem with Retry-After that reaches no
 * upstream, /health answers throughout, and a client cannot escape its bucket by naming another
 * address, while behind a trusted proxy each client it forwards for has its own.
 */
class RateLimitTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    private TestGateway gateway;

    @AfterEach
    void stop() {
        gateway.close();
        users.close();
    }

    private void start(Map<String, String> env) {
        gateway = TestGateway.start(env).point("users", users);
    }

    @Test
    void pastTheBurst_429WithRetryAfter_upstreamNotCalled_healthStillAnswers() {
        start(Map.of("RATE_LIMIT", "1", "RATE_BURST", "3"));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        HttpResponse<String> refused = gateway.http.get("/api/users/1");

        var body = problem(refused, 429);
        assertEquals("/api/users/1", body.getString("instance", ""));
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        assertEquals(3, users.received().size(), "a refused request reaches no upstream");
        assertEquals(200, gateway.http.get("/health").statusCode());
        assertEquals(200, gateway.http.get("/health").statusCode());
    }

    @Test
    void refilled_servedAgain() throws InterruptedException {
        start(Map.of("RATE_LIMIT", "10", "RATE_BURST", "1"));
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        assertEquals(429, gateway.http.get("/api/users/1").statusCode());

        Thread.sleep(150);

        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
    }

    @Test
    void untrustedPeer_spoofedForwardedFor_sameBucket() {
        start(Map.of("RATE_LIMIT", "1", "RATE_BURST", "1"));
        assertEquals(200, gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Forwarded-For", "203.0.113.1")).statusCode());

        HttpResponse<String> other = gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Forwarded-For", "203.0.113.2"));

        assertEquals(429, other.statusCode(), "the peer's address is the key, not what it claims");
    }

    @Test
    void trustedProxy_eachClientBehindItHasItsOwnBucket() {
        start(Map.of("RATE_LIMIT", "1", "RATE_BURST", "1", "TRUSTED_PROXIES", "127.0.0.1"));
        assertEquals(200, gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Forwarded-For", "203.0.113.1")).statusCode());
        assertEquals(429, gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Forwarded-For", "203.0.113.1")).statusCode());

        HttpResponse<String> another = gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Forwarded-For", "203.0.113.2"));

        assertEquals(200, another.statusCode());
        assertTrue(users.received().size() == 2);
    }
}
