package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orders service on free ports against a fake users service (user 1 exists): what its tests
 * share.
 */
abstract class OrdersServiceFixture {
    /** The users service: it knows user 1 until a test says otherwise. */
    final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, userJson(1).toString()));
    @RegisterExtension
    final TestServer orders = new TestServer(() -> OrdersService.start(TestServer.freePorts(withStore(
            Map.of("USERS_URL", "http://127.0.0.1:" + users.port(), "USERS_TIMEOUT", "1s"))))).closing(users);
    final TestHttp http = orders.http();

    /** The service's environment: in memory here; each *PostgresIT subclass runs the same tests on a database. */
    Map<String, String> withStore(Map<String, String> env) {
        return env;
    }

    /** The users service now answers with this user. */
    void answerUser(long id) {
        users.answer(FakeUpstream.json(200, userJson(id).toString()));
    }

    /** A user as the users service writes it. */
    static JsonObject userJson(long id) {
        return new JsonObject().add("id", id).add("name", "User " + id).add("email", "user" + id + "@example.org")
                .add("createdAt", "2026-01-01T00:00:00Z");
    }

    /** A valid order of three notebooks at 19.99 for the user. */
    static String order(long userId) {
        return new JsonObject().add("userId", userId).add("item", "Notebook").add("quantity", 3)
                .add("unitPrice", "19.99").toString();
    }

    /** Creates an order for the user and returns its id. */
    long create(long userId) {
        return json(http.postJson("/orders", order(userId)), 201).getLong("id", -1);
    }

    /** The ids listed at the path, in order. */
    List<Long> listedIds(String path) {
        List<Long> ids = new ArrayList<>();
        for (JsonValue item : json(http.get(path), 200).get("items").asArray()) {
            ids.add(item.asObject().getLong("id", -1));
        }
        return ids;
    }
}
