package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Config;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The orders service against a fake users service: create (the user checked, the total
 * computed), health, settings.
 */
class OrdersServiceTest extends OrdersServiceFixture {
    /** What {@code /health} checks: nothing in memory. */
    JsonObject healthChecks() {
        return new JsonObject();
    }

    @Test
    void create_existingUser_201WithTotalLocationAndCreatedAt() {
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> response = http.postJson("/orders",
                "{\"userId\":1,\"item\":\"Notebook\",\"quantity\":3,\"unitPrice\":\"19.99\"}");

        JsonObject order = json(response, 201);
        assertEquals("/orders/1", response.headers().firstValue("Location").orElse(null));
        assertEquals(1, order.getLong("id", -1));
        assertEquals(1, order.getLong("userId", -1));
        assertEquals("Notebook", order.getString("item", null));
        assertEquals(3, order.getInt("quantity", -1));
        assertEquals("19.99", order.getString("unitPrice", null));
        assertEquals("59.97", order.getString("total", null));
        Instant createdAt = Instant.parse(order.getString("createdAt", null));
        assertFalse(createdAt.isBefore(before), createdAt.toString());
        assertTrue(createdAt.isBefore(Instant.now().plus(Duration.ofSeconds(1))), createdAt.toString());
        assertEquals(7, order.size(), order.toString());
        assertEquals(1, users.received().size());
        assertEquals("GET", users.received().get(0).method());
        assertEquals("/users/1", users.received().get(0).target());
    }

    @Test
    void create_priceAsNumber_sameAsString() {
        JsonObject order = json(http.postJson("/orders",
                "{\"userId\":1,\"item\":\"Notebook\",\"quantity\":3,\"unitPrice\":19.99}"), 201);

        assertEquals("19.99", order.getString("unitPrice", null));
        assertEquals("59.97", order.getString("total", null));
    }

    @Test
    void create_pricesOfFewerOrTrailingDecimals_twoDecimalsOut() {
        assertPriced("5", 2, "5.00", "10.00");
        assertPriced("7.5", 3, "7.50", "22.50");
        assertPriced(" 1.990 ", 1, "1.99", "1.99");
        assertPriced("0.10", 3, "0.10", "0.30");
        assertPriced("0.01", 7, "0.01", "0.07");
    }

    @Test
    void create_boundaryQuantityAndPrice_201() {
        assertPriced("0", 1, "0.00", "0.00");
        assertPriced("0.00", 1000, "0.00", "0.00");
        assertPriced("1000000.00", 1000, "1000000.00", "1000000000.00");
        assertPriced("1000000", 1, "1000000.00", "1000000.00");
    }

    @Test
    void create_unknownUser_422AndNothingStored() {
        users.answer(FakeUpstream.json(404, "{\"status\":404}"));

        JsonObject problem = problem(http.postJson("/orders", order(42)), 422);

        assertTrue(problem.getString("detail", "").contains("42"), problem.toString());
        assertEquals("/users/42", users.received().get(0).target());
        assertEquals(List.of(), listedIds("/orders"));
    }

    @Test
    void create_requestId_forwardedToUsersAndReturned() {
        HttpResponse<String> response = http.send(http.request("/orders")
                .POST(BodyPublishers.ofString(order(1))).header("Content-Type", "application/json")
                .header("X-Request-Id", "order-trace-1"));

        json(response, 201);
        assertEquals("order-trace-1", response.headers().firstValue("X-Request-Id").orElse(null));
        assertEquals("order-trace-1", users.received().get(0).header("X-Request-Id"));
    }

    @Test
    void create_noOrBadRequestId_generatedOneForwarded() {
        for (String sent : new String[] {null, "bad id with spaces", "x".repeat(65)}) {
            var request = http.request("/orders").POST(BodyPublishers.ofString(order(1)))
                    .header("Content-Type", "application/json");
            if (sent != null) {
                request.header("X-Request-Id", sent);
            }
            HttpResponse<String> response = http.send(request);

            String returned = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(returned.matches("[0-9a-f]{16}"), returned);
            assertEquals(returned, users.received().get(users.received().size() - 1).header("X-Request-Id"));
        }
    }

    @Test
    void health_usersDown_ordersStillUp() {
        users.close();

        assertEquals(new JsonObject().add("status", "UP").add("checks", healthChecks()),
                json(http.get("/health"), 200));
    }

    @Test
    void start_badUsersUrlOrTimeout_configErrorNamingIt() {
        for (var env : List.of(Map.of("USERS_URL", "users:8080"), Map.of("USERS_URL", "ftp://users"),
                Map.of("USERS_TIMEOUT", "2"), Map.of("USERS_TIMEOUT", "0s"), Map.of("USERS_TIMEOUT", "soon"))) {
            var e = assertThrows(Config.ConfigException.class, () -> OrdersService.start(TestServer.freePorts(env)));

            String name = env.keySet().iterator().next();
            assertTrue(e.getMessage().startsWith(name + "="), e.getMessage());
        }
    }

    private void assertPriced(String unitPrice, int quantity, String expectedPrice, String expectedTotal) {
        JsonObject order = json(http.postJson("/orders", new JsonObject().add("userId", 1).add("item", "Thing")
                .add("quantity", quantity).add("unitPrice", unitPrice).toString()), 201);
        assertEquals(expectedPrice, order.getString("unitPrice", null), unitPrice);
        assertEquals(expectedTotal, order.getString("total", null), unitPrice + " x " + quantity);
        JsonObject fetched = json(http.get("/orders/" + order.getLong("id", -1)), 200);
        assertEquals(order, fetched.remove("user"));
    }
}
