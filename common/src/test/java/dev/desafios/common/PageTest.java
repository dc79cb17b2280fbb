package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PageTest {
    @RegisterExtension
    final TestServer server = new TestServer(() -> Server.start(0, new Router(65536)
            .get("/items", request -> Response.ok(Page.of(request).toJson(new JsonArray().add(1))))));
    private final TestHttp http = server.http();

    @Test
    void page_noQuery_defaultLimit20Offset0() {
        JsonObject list = json(http.get("/items"), 200);

        assertEquals(20, list.getInt("limit", -1));
        assertEquals(0, list.getInt("offset", -1));
        assertEquals(new JsonArray().add(1), list.get("items"));
    }

    @Test
    void page_bounds_accepted() {
        JsonObject list = json(http.get("/items?limit=100&offset=5"), 200);
        assertEquals(100, list.getInt("limit", -1));
        assertEquals(5, list.getInt("offset", -1));

        assertEquals(1, json(http.get("/items?limit=1"), 200).getInt("limit", -1));
    }

    @Test
    void page_limitOutOfRangeOrNotANumber_400NamingLimit() {
        for (String bad : new String[] {"0", "101", "-1", "abc", "", "1.5", "99999999999999999999", "%20"}) {
            JsonObject problem = problem(http.get("/items?limit=" + bad), 400);
            assertTrue(problem.getString("detail", "").contains("limit"), problem.toString());
        }
    }

    @Test
    void page_badOffset_400() {
        problem(http.get("/items?offset=-1"), 400);
        problem(http.get("/items?offset=abc"), 400);
    }
}
