package dev.desafios.orders;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Page;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;

/** The {@code /orders} resource; each order's user lives in the users service. */
final class OrderHandlers {
    private final OrderStore orders;
    private final UsersClient users;

    OrderHandlers(OrderStore orders, UsersClient users) {
        this.orders = orders;
        this.users = users;
    }

    /** Validates the whole body and checks for room first, so that neither bad input nor a full store costs a call to users. */
    Response create(Request request) {
        Order.New order = Order.New.fromJson(request.jsonBody(Order.New.fields()));
        orders.checkRoom();
        if (users.find(order.userId(), request.requestId()).isEmpty()) {
            throw Problem.unprocessable("no user with id " + order.userId());
        }
        Order stored = orders.add(order);
        return Response.created("/orders/" + stored.id(), stored.toJson());
    }

    Response list(Request request) {
        Long userId = request.query("userId") == null ? null
                : request.queryWhole("userId", 0, 1, Order.MAX_USER_ID);
        Page page = Page.of(request);
        var items = new JsonArray();
        orders.page(userId, page.limit(), page.offset()).forEach(order -> items.add(order.toJson()));
        return Response.ok(page.toJson(items));
    }

    /** The order with its user embedded; {@code "user": null} when users no longer knows that user. */
    Response find(Request request) {
        long id = request.idParam("id");
        Order order = orders.find(id).orElseThrow(() -> Problem.notFound("no order with id " + id));
        JsonValue user = users.find(order.userId(), request.requestId())
                .map(JsonValue.class::cast).orElse(JsonValue.NULL);
        return Response.ok(order.toJson().add("user", user));
    }
}
