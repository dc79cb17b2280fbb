package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.FakeUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared bad-input suite through the gateway, with fakes as users and orders that answer every
 * request with a 400 problem (as the real services would): every answer is a 4xx problem, and
 * nothing unsafe reaches an upstream (no traversal, encoded dot or slash, control character,
 * oversized body, or header with a line break).
 */
class GatewayFuzzTest {
    private static final int MAX_BODY_BYTES = 65_536;
    private static final FakeUpstream.Answer REFUSAL = new FakeUpstream.Answer(400, "application/problem+json",
            "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"refused upstream\"}",
            Duration.ZERO);

    private final FakeUpstream users = FakeUpstream.start().answer(REFUSAL);
    private final FakeUpstream orders = FakeUpstream.start().answer(REFUSAL);
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("MAX_BODY_BYTES", String.valueOf(MAX_BODY_BYTES)))
            .point("users", users).point("orders", orders).closing(users, orders);
    private BadInput fuzz;

    @BeforeEach
    void suite() {
        fuzz = new BadInput(gateway.port(), this::assertNothingUnsafeForwarded);
    }

    @Test
    void create_hostileBodies_4xxProblemNothingUnsafeForwarded() {
        fuzz.bodies("POST", "/api/users", new JsonObject().add("name", "Ana").add("email", "ana@example.org"));
        fuzz.bodies("POST", "/api/orders", new JsonObject().add("userId", 1).add("item", "Notebook")
                .add("quantity", 3).add("unitPrice", "19.99"));
        fuzz.bodies("POST", "/api/users/1/orders", new JsonObject().add("item", "x"));
    }

    @Test
    void everyRoute_hostilePathsTraversalAndQueries_4xxProblemNothingUnsafeForwarded() {
        var traversal = new ArrayList<>(List.of("/api/users/../../admin", "/api/users/..", "/api/users/./1",
                "/api/users/%2e%2e/orders", "/api/users/%2E%2E/%2e%2E/admin", "/api/users/.%2e/orders",
                "/api/users/%252e%252e/orders", "/api/users%2f..%2f..%2fadmin", "/api/users/1%2F..",
                "/api/users/%5c..%5cadmin", "/api/users/..;/admin", "/api/orders/%00", "/api//users/1",
                "//api/users/1", "/api/users\\..\\admin", "/api/users/%c0%ae%c0%ae/admin", "/api/users/%e0%80%ae",
                "/api/orders/../users/1", "/api/./orders/1", "/api/users/1/orders/..", "/api/users/1/..%2forders"));
        for (String collection : new String[] {"/api/users", "/api/orders", "/api/users/1/orders", "/api", ""}) {
            traversal.addAll(BadInput.paths(collection));
        }
        for (String method : new String[] {"GET", "DELETE", "PUT", "PATCH", "OPTIONS"}) {
            fuzz.targets(method, traversal);
        }
        fuzz.queries("GET", BadInput.queries("/api/users"));
        fuzz.queries("GET", BadInput.queries("/api/orders"));
    }

    /** The aggregate with upstreams that answer as users and orders would for user 1. */
    @Test
    void userOrders_hostileQueriesHeadersAndRequestLines_refusedOrServedNothingUnsafeForwarded() {
        users.answer(FakeUpstream.json(200, "{\"id\":1,\"name\":\"Ana\",\"email\":\"ana@example.org\"}"));
        orders.answer(FakeUpstream.json(200, "{\"items\":[],\"limit\":20,\"offset\":0}"));

        fuzz.queries("GET", BadInput.queries("/api/users/1/orders"));
        fuzz.headersAndRequestLines("GET", "/api/users/1/orders");
    }

    @Test
    void everyRoute_hostileHeadersAndRequestLines_refusedOrServedNothingUnsafeForwarded() {
        fuzz.headersAndRequestLines("POST", "/api/users");
        fuzz.headersAndRequestLines("GET", "/api/orders/1");
        fuzz.headersAndRequestLines("GET", "/health");
    }

    @Test
    void create_tenMebibyteBody_413WithoutReadingOrForwardingIt() {
        fuzz.tenMebibyteBody("POST", "/api/orders");
        fuzz.tenMebibyteBody("PUT", "/api/users/1");
    }

    @Test
    void slowClient_cutOffByServerWhileOthersServed() {
        fuzz.slowClient("/api/users/1", "/health");
    }

    private void assertNothingUnsafeForwarded() {
        gateway.assertHealthy();
        for (FakeUpstream upstream : List.of(users, orders)) {
            for (FakeUpstream.Received received : upstream.received()) {
                String target = received.target();
                String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                String lower = path.toLowerCase(Locale.ROOT);
                assertTrue(path.matches("/(users|orders|health)(/.*)?") && !path.contains("/.") && !path.contains("//")
                        && !path.contains("\\") && Stream.of("%2e", "%2f", "%5c", "%00", "%25").noneMatch(lower::contains),
                        () -> "forwarded path " + target);
                assertTrue(target.chars().allMatch(c -> c > 0x20 && c < 0x7f), () -> "forwarded target " + target);
                assertTrue(received.body().length() <= MAX_BODY_BYTES, "forwarded a body of " + received.body().length());
                received.headers().forEach((name, value) -> assertTrue(
                        value.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0), () -> "forwarded header " + name));
            }
        }
    }
}
