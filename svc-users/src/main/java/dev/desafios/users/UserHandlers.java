package dev.desafios.users;

import com.eclipsesource.json.JsonArray;
import dev.desafios.common.Page;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;

/** The {@code /users} resource. */
final class UserHandlers {
    private final UserStore users;

    UserHandlers(UserStore users) {
        this.users = users;
    }

    Response create(Request request) {
        User user = users.add(User.New.fromJson(request.jsonBody(User.New.fields())));
        return Response.created("/users/" + user.id(), user.toJson());
    }

    Response list(Request request) {
        Page page = Page.of(request);
        var items = new JsonArray();
        users.page(page.limit(), page.offset()).forEach(user -> items.add(user.toJson()));
        return Response.ok(page.toJson(items));
    }

    Response find(Request request) {
        long id = request.idParam("id");
        return users.find(id).map(user -> Response.ok(user.toJson()))
                .orElseThrow(() -> Problem.notFound("no user with id " + id));
    }
}
