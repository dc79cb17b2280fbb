package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/users/{id}/orders: the user and their orders from two calls made at the same time. */
class UserOrdersTest {
    private static final String USER = "{\"id\":1,\"name\":\"Ana\",\"email\":\"ana@example.com\"}";
    private static final String ORDERS = "{\"items\":[{\"id\":5,\"userId\":1,\"total\":\"21.00\"}],\"limit\":20,\"offset\":0}";

    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, USER));
    private final FakeUpstream orders = FakeUpstream.start().answer(FakeUpstream.json(200, ORDERS));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().point("users", users).point("orders", orders)
            .closing(users, orders);

    @Test
    void userOrders_bothAnswer_userAndOrdersCombined() {
        HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users/1/orders")
                .header("X-Request-Id", "agg-1"));

        JsonObject body = json(response, 200);
        assertEquals(Json.parse(USER), body.get("user"));
        assertEquals(Json.parse(ORDERS).asObject().get("items"), body.get("orders"));
        assertEquals(2, body.size(), body.toString());
        assertEquals("/users/1", users.received().get(0).target());
        assertEquals("/orders?userId=1&limit=20&offset=0", orders.received().get(0).target());
        assertEquals("agg-1", users.received().get(0).header("X-Request-Id"));
        assertEquals("agg-1", orders.received().get(0).header("X-Request-Id"));
        assertEquals("127.0.0.1", orders.received().get(0).header("X-Forwarded-For"));
    }

    @Test
    void userOrders_bothSlow_bothCalledAndCombined() {
        users.answer(FakeUpstream.json(200, USER).after(Duration.ofMillis(300)));
        orders.answer(FakeUpstream.json(200, ORDERS).after(Duration.ofMillis(300)));

        JsonObject body = json(gateway.http.get("/api/users/1/orders"), 200);

        assertEquals(1, users.received().size());
        assertEquals(1, orders.received().size());
        assertEquals(1, body.get("orders").asArray().size());
    }

    @Test
    void userOrders_paging_checkedAndPassedToOrders() {
        json(gateway.http.get("/api/users/1/orders?limit=5&offset=10"), 200);

        assertEquals("/orders?userId=1&limit=5&offset=10", orders.received().get(0).target());
    }

    @Test
    void userOrders_badPaging_400WithoutCalls() {
        for (String query : new String[] {"limit=0", "limit=101", "limit=abc", "offset=-1"}) {
            problem(gateway.http.get("/api/users/1/orders?" + query), 400);
        }
        assertTrue(users.received().isEmpty());
        assertTrue(orders.received().isEmpty());
    }

    @Test
    void userOrders_unknownUser_404Problem() {
        users.answer(new FakeUpstream.Answer(404, "application/problem+json", "{\"status\":404}", Duration.ZERO));

        JsonObject problem = problem(gateway.http.get("/api/users/99/orders"), 404);

        assertTrue(problem.getString("detail", "").contains("99"), problem.toString());
    }

    @Test
    void userOrders_wrongMethod_405WithAllow() {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
            HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users/1/orders")
                    .method(method, BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
            problem(response, 405);
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
        }
        assertTrue(users.received().isEmpty());
        assertTrue(orders.received().isEmpty());
    }

    @Test
    void userOrders_ordersRefuses_502Problem() {
        orders.close();

        problem(gateway.http.get("/api/users/1/orders"), 502);
    }

    @Test
    void userOrders_usersAnswersGarbageJson_502Problem() {
        users.answer(FakeUpstream.json(200, "{not json"));

        problem(gateway.http.get("/api/users/1/orders"), 502);
    }

    @Test
    void userOrders_ordersAnswersNoList_502Problem() {
        orders.answer(FakeUpstream.json(200, "[1,2]"));

        problem(gateway.http.get("/api/users/1/orders"), 502);
    }

    @Test
    void userOrders_usersAnswers503_503Problem() {
        users.answer(FakeUpstream.json(503, "{\"status\":\"DOWN\"}"));

        problem(gateway.http.get("/api/users/1/orders"), 503);
    }

    @Test
    void userOrders_ordersNotResolvable_503Problem() {
        gateway.unknown("orders");

        problem(gateway.http.get("/api/users/1/orders"), 503);
    }
}
