package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The orders service against a fake users service: one order with its user embedded, lists,
 * filters, pages, and the methods each route allows.
 */
class OrdersReadTest extends OrdersServiceFixture {
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
}
