package dev.desafios.gateway;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Page;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;
import java.net.http.HttpResponse;
import java.util.concurrent.Future;

/**
 * {@code GET /api/users/{id}/orders}: the user from users and their orders from orders, asked at
 * the same time, as {@code {"user": {...}, "orders": [...]}}. {@code limit} and {@code offset}
 * page the orders as every list does (default 20 and 0; checked here, so that a bad value is this
 * request's 400, not an upstream's).
 */
final class UserOrders {
    private final Proxy proxy;
    private final Upstream users;
    private final Upstream orders;

    UserOrders(Proxy proxy, Upstream users, Upstream orders) {
        this.proxy = proxy;
        this.users = users;
        this.orders = orders;
    }

    Response find(Request request, long id) {
        Page page = Page.of(request);
        long started = System.nanoTime();
        Future<HttpResponse<byte[]>> ordersAnswer = Forks.fork(() -> orders.send("GET",
                "/orders?userId=" + id + "&limit=" + page.limit() + "&offset=" + page.offset(),
                proxy.outbound(request, "GET", null)));
        JsonObject user;
        try {
            HttpResponse<byte[]> userAnswer = users.send("GET", "/users/" + id,
                    proxy.outbound(request, "GET", null));
            Proxy.noteUpstream(request, userAnswer, started);
            user = user(userAnswer, id);
        } catch (RuntimeException e) {
            ordersAnswer.cancel(true);
            throw e;
        }
        HttpResponse<byte[]> ordersList = Forks.join(ordersAnswer);
        Proxy.noteUpstream(request, ordersList, started);
        JsonValue items = ordersOf(ordersList, id);
        return Response.ok(new JsonObject().add("user", user).add("orders", items));
    }

    private static JsonObject user(HttpResponse<byte[]> answer, long id) {
        if (answer.statusCode() == 404) {
            throw Problem.notFound("no user with id " + id);
        }
        JsonValue user = HttpCalls.json(answer, "users", "user " + id);
        if (!user.isObject()) {
            throw Problem.badGateway("users answered something that is not user " + id);
        }
        return user.asObject();
    }

    private static JsonValue ordersOf(HttpResponse<byte[]> answer, long id) {
        JsonValue list = HttpCalls.json(answer, "orders", "the orders of user " + id);
        JsonValue items = list.isObject() ? list.asObject().get("items") : null;
        if (items == null || !items.isArray()) {
            throw Problem.badGateway("orders answered something that is not a list of orders");
        }
        return items;
    }
}
