package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Config;
import dev.desafios.common.Server;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The orders service against a fake users service: create, total, embed, list, filter. */
class OrdersServiceTest {
    private FakeUpstream users;
    private Server server;
    private TestHttp http;

    @BeforeEach
    void start() {
        users = FakeUpstream.start();
        answerUser(1);
        server = OrdersService.start(
                TestServer.freePorts(withStore(Map.of("USERS_URL", "http://127.0.0.1:" + users.port(), "USERS_TIMEOUT", "1s"))));
        http = new TestHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
        http.close();
        users.close();
    }

    /** The service's environment: in memory here; the *PostgresIT subclass runs the same tests on a database. */
    Map<String, String> withStore(Map<String, String> env) {
        return env;
    }

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
    void get_createdOrder_embedsUserFromUsers() {
        JsonObject created = json(http.postJson("/orders", order(1)), 201);

        HttpResponse<String> response = http.send(http.request("/orders/1").header("X-Request-Id", "get-trace"));

        JsonObject order = json(response, 200);
        JsonObject expected = Json.parse(created.toString()).asObject().add("user", userJson(1));
        assertEquals(expected, order);
        assertEquals(2, users.received().size());
        assertEquals("/users/1", users.received().get(1).target());
        assertEquals("get-trace", users.received().get(1).header("X-Request-Id"));
    }

    @Test
    void get_userNoLongerInUsers_orderWithNullUser() {
        json(http.postJson("/orders", order(1)), 201);
        users.answer(FakeUpstream.json(404, "{}"));

        JsonObject order = json(http.get("/orders/1"), 200);

        assertTrue(order.get("user").isNull(), order.toString());
        assertEquals("59.97", order.getString("total", null));
    }

    @Test
    void get_unknownOrder_404WithoutCallingUsers() {
        problem(http.get("/orders/1"), 404);
        problem(http.get("/orders/999999999999999999"), 404);

        assertEquals(0, users.received().size());
    }

    @Test
    void get_nonNumericOrOversizedId_404() {
        for (String path : new String[] {"/orders/abc", "/orders/1abc", "/orders/-1", "/orders/1.0",
                "/orders/99999999999999999999", "/orders/1/user", "/orders/"}) {
            problem(http.get(path), 404);
        }
        assertEquals(0, users.received().size());
    }

    @Test
    void list_userIdFilter_onlyThatUsersOrdersWithoutEmbeddedUser() {
        long first = create(1);
        answerUser(2);
        long second = create(2);
        answerUser(1);
        long third = create(1);

        assertEquals(List.of(first, second, third), listedIds("/orders"));
        assertEquals(List.of(first, third), listedIds("/orders?userId=1"));
        assertEquals(List.of(second), listedIds("/orders?userId=2"));
        assertEquals(List.of(), listedIds("/orders?userId=3"));
        JsonObject item = json(http.get("/orders?userId=2"), 200).get("items").asArray().get(0).asObject();
        assertEquals(7, item.size(), item.toString());
        assertEquals(3, users.received().size(), "listing calls no users");
    }

    @Test
    void list_limitAndOffset_pageOfOrders() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(1));
        }

        assertEquals(new JsonObject().add("items", new JsonArray()).add("limit", 20).add("offset", 5),
                json(http.get("/orders?offset=5"), 200));
        assertEquals(ids.subList(1, 3), listedIds("/orders?limit=2&offset=1"));
        assertEquals(ids.subList(4, 5), listedIds("/orders?userId=1&limit=100&offset=4"));
        JsonObject page = json(http.get("/orders?limit=2&offset=1&userId=1"), 200);
        assertEquals(2, page.getInt("limit", -1));
        assertEquals(1, page.getInt("offset", -1));
        assertEquals(3, page.size(), page.toString());
    }

    @Test
    void list_badQuery_400() {
        for (String query : new String[] {"userId=abc", "userId=", "userId=0", "userId=-1", "userId=1.5",
                "userId=1e3", "userId=99999999999999999999", "limit=101", "limit=0", "limit=abc", "offset=-1",
                "userId=abc&limit=5"}) {
            problem(http.get("/orders?" + query), 400);
        }
    }

    @Test
    void orders_wrongMethod_405WithAllow() {
        HttpResponse<String> delete = http.delete("/orders");
        problem(delete, 405);
        assertEquals("GET, HEAD, POST", delete.headers().firstValue("Allow").orElse(null));

        HttpResponse<String> put = http.send(http.request("/orders/1").PUT(BodyPublishers.ofString(order(1)))
                .header("Content-Type", "application/json"));
        problem(put, 405);
        assertEquals("GET, HEAD", put.headers().firstValue("Allow").orElse(null));
        assertEquals(0, users.received().size());
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

    private void answerUser(long id) {
        users.answer(FakeUpstream.json(200, userJson(id).toString()));
    }

    static JsonObject userJson(long id) {
        return new JsonObject().add("id", id).add("name", "User " + id).add("email", "user" + id + "@example.org")
                .add("createdAt", "2026-01-01T00:00:00Z");
    }

    static String order(long userId) {
        return new JsonObject().add("userId", userId).add("item", "Notebook").add("quantity", 3)
                .add("unitPrice", "19.99").toString();
    }

    private long create(long userId) {
        return json(http.postJson("/orders", order(userId)), 201).getLong("id", -1);
    }

    private List<Long> listedIds(String path) {
        List<Long> ids = new ArrayList<>();
        for (JsonValue item : json(http.get(path), 200).get("items").asArray()) {
            ids.add(item.asObject().getLong("id", -1));
        }
        return ids;
    }
}
