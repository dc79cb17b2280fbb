package dev.desafios.users;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Config;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MAX_USERS over HTTP: a full store answers 507 problems, keeps serving, and keeps what it stored. */
class UsersStoreLimitTest {
    @RegisterExtension
    final TestServer users = new TestServer(() -> UsersService.start(TestServer.freePorts(Map.of("MAX_USERS", "6"))));
    private final TestHttp http = users.http();

    @Test
    void create_pastMaxUsers_507ProblemAndEveryUserKept() {
        for (int i = 4; i <= 6; i++) {
            json(http.postJson("/users", user(i)), 201);
        }

        JsonObject refused = problem(http.postJson("/users", user(7)), 507);
        problem(http.postJson("/users", user(8)), 507);

        assertEquals("Insufficient Storage", refused.getString("title", null));
        assertTrue(refused.getString("detail", "").contains("MAX_USERS"), refused.toString());
        List<JsonValue> items = json(http.get("/users?limit=100"), 200).get("items").asArray().values();
        assertEquals(6, items.size());
        assertEquals("user6@example.org", items.get(5).asObject().getString("email", null));
        problem(http.get("/users/7"), 404);
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
        // Bad input is still a 400, not a 507: validation comes first.
        problem(http.postJson("/users", "{\"name\":\"\",\"email\":\"x@example.org\"}"), 400);
    }

    @Test
    void start_badMaxUsers_configErrorNamingIt() {
        for (String value : new String[] {"2", "0", "-1", "abc", "1e6", "99999999999"}) {
            var e = assertThrows(Config.ConfigException.class,
                    () -> UsersService.start(TestServer.freePorts(Map.of("MAX_USERS", value))));

            assertTrue(e.getMessage().startsWith("MAX_USERS="), e.getMessage());
        }
    }

    private static String user(int n) {
        return new JsonObject().add("name", "User " + n).add("email", "user" + n + "@example.org").toString();
    }
}
