package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RouterTest {
    private static final String SECRET = "jdbc:postgresql://db/app?password=hunter2";
    private static final String GENERATED_ID = "[0-9a-f]{16}";

    @RegisterExtension
    final TestServer server = new TestServer(RouterTest::serve);
    private final TestHttp http = server.http();

    private static Server serve() {
        var router = new Router(65536)
                .get("/things", request -> Response.ok(new JsonObject().add("requestId", request.requestId())))
                .get("/things/{id}", request -> Response.ok(new JsonObject().add("id", request.idParam("id"))))
                .delete("/things/{id}", request -> Response.noContent())
                .get("/both", request -> Response.ok(new JsonObject().add("from", "get")))
                .route("HEAD", "/both", request -> Response.noContent().withHeader("X-From", "head"))
                .post("/only-post", request -> Response.noContent())
                .get("/boom", request -> {
                    throw new IllegalStateException("cannot reach " + SECRET);
                })
                .get("/overflow", request -> {
                    throw new StackOverflowError("deep inside " + SECRET);
                });
        return Server.start(0, router);
    }

    @Test
    void router_knownRoute_200WithJsonAndRequestId() {
        HttpResponse<String> response = http.get("/things");

        JsonObject body = json(response, 200);
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(requestId.matches(GENERATED_ID), requestId);
        assertEquals(requestId, body.getString("requestId", null));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void router_numericId_passedToHandler() {
        assertEquals(42, json(http.get("/things/42"), 200).getLong("id", -1));
    }

    @Test
    void router_unknownPath_404Problem() {
        JsonObject problem = problem(http.get("/nothing/here"), 404);

        assertEquals("Not Found", problem.getString("title", null));
        assertEquals("/nothing/here", problem.getString("instance", null));
    }

    @Test
    void router_nonNumericId_404Problem() {
        problem(http.get("/things/abc"), 404);
        problem(http.get("/things/1.5"), 404);
        problem(http.get("/things/-1"), 404);
    }

    @Test
    void router_idOfNineteenDigits_404Problem() {
        problem(http.get("/things/1234567890123456789"), 404);
    }

    @Test
    void router_trailingSlash_404Problem() {
        problem(http.get("/things/"), 404);
    }

    @Test
    void router_wrongMethod_405WithAllow() {
        HttpResponse<String> response = http.post("/things/7", "application/json", BodyPublishers.ofString("{}"));

        JsonObject problem = problem(response, 405);
        assertEquals("GET, HEAD, DELETE", response.headers().firstValue("Allow").orElse(null));
        assertEquals("Method Not Allowed", problem.getString("title", null));
    }

    @Test
    void router_wrongMethodOnList_405AllowsOnlyGet() {
        HttpResponse<String> response = http.delete("/things");

        problem(response, 405);
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void router_noContent_204WithoutBody() {
        HttpResponse<String> response = http.delete("/things/3");

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
    }

    @Test
    void router_handlerThrowsUnexpectedException_500WithNothingInternal() {
        HttpResponse<String> response = http.get("/boom");

        JsonObject problem = problem(response, 500);
        assertEquals("Internal Server Error", problem.getString("title", null));
        assertFalse(response.body().contains("hunter2"), response.body());
        assertFalse(response.body().contains("IllegalStateException"), response.body());
        assertFalse(response.body().contains("dev.desafios"), response.body());
    }

    @Test
    void router_handlerThrowsError_500AndServerKeepsServing() {
        HttpResponse<String> response = http.get("/overflow");

        problem(response, 500);
        assertFalse(response.body().contains("hunter2"), response.body());
        json(http.get("/things"), 200);
    }

    @Test
    void requestId_valid_acceptedAndReturned() {
        String id = "Abc-123_x.y";

        HttpResponse<String> response = http.send(http.request("/things").header("X-Request-Id", id));

        assertEquals(id, response.headers().firstValue("X-Request-Id").orElse(null));
        assertEquals(id, json(response, 200).getString("requestId", null));
    }

    @Test
    void requestId_sixtyFourCharacters_accepted() {
        String id = "a".repeat(64);

        HttpResponse<String> response = http.send(http.request("/things").header("X-Request-Id", id));

        assertEquals(id, response.headers().firstValue("X-Request-Id").orElse(null));
    }

    @Test
    void requestId_onProblem_sameInHeaderAndBody() {
        HttpResponse<String> response = http.send(http.request("/missing").header("X-Request-Id", "trace-1"));

        assertEquals("trace-1", problem(response, 404).getString("requestId", null));
    }

    @Test
    void requestId_badCharacters_replacedAndNeverEchoed() {
        assertReplaced("<script>alert(1)</script>");
        assertReplaced("abc def");
        assertReplaced("id;drop table");
        assertReplaced("caf\u00e9");
    }

    @Test
    void requestId_sixtyFiveCharacters_replaced() {
        assertReplaced("a".repeat(65));
    }

    @Test
    void requestId_empty_replaced() {
        assertReplaced("");
    }

    @Test
    void requestId_absent_generated() {
        String first = http.get("/things").headers().firstValue("X-Request-Id").orElseThrow();
        String second = http.get("/things").headers().firstValue("X-Request-Id").orElseThrow();

        assertTrue(first.matches(GENERATED_ID), first);
        assertNotEquals(first, second);
    }

    private HttpResponse<String> head(String path) {
        return http.send(http.request(path).method("HEAD", BodyPublishers.noBody()));
    }

    @Test
    void head_getRoute_getsStatusAndLengthWithoutBody() {
        HttpResponse<String> get = http.get("/things/42");
        HttpResponse<String> head = head("/things/42");

        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(String.valueOf(get.body().length()), head.headers().firstValue("Content-Length").orElse(null));
        assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
        assertTrue(head.headers().firstValue("X-Request-Id").isPresent());
    }

    @Test
    void head_unknownIdOrPath_404WithoutBody() {
        assertEquals(404, head("/things/abc").statusCode());
        assertEquals("", head("/nothing").body());
        assertEquals(404, head("/nothing").statusCode());
    }

    @Test
    void head_ownRoute_winsOverGet() {
        HttpResponse<String> head = head("/both");

        assertEquals(204, head.statusCode());
        assertEquals("head", head.headers().firstValue("X-From").orElse(null));
        assertEquals("get", json(http.get("/both"), 200).getString("from", null));
    }

    @Test
    void head_pathWithoutGet_405AllowsWithoutHead() {
        HttpResponse<String> head = head("/only-post");

        assertEquals(405, head.statusCode());
        assertEquals("POST", head.headers().firstValue("Allow").orElse(null));
    }

    private void assertReplaced(String bad) {
        for (String path : new String[] {"/things", "/missing"}) {
            HttpResponse<String> response = http.send(http.request(path).header("X-Request-Id", bad));

            String returned = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(returned.matches(GENERATED_ID), () -> "replaced " + bad + " by " + returned);
            if (!bad.isEmpty()) {
                assertFalse(response.body().contains(bad), response.body());
                assertFalse(response.headers().map().toString().contains(bad), response.headers().map().toString());
            }
        }
    }
}
