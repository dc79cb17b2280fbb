package dev.desafios.users;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Config;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The users service: seed, create, read, list, duplicates, and the replica header. */
class UsersServiceTest {
    private static final String HOST = "users-test-1";

    @RegisterExtension
    final TestServer users = new TestServer(() -> UsersService.start(
            TestServer.freePorts(withStore(Map.of("HOSTNAME", HOST)))));
    private final TestHttp http = users.http();

    /** The service's environment: in memory here; the *PostgresIT subclass runs the same tests on a database. */
    Map<String, String> withStore(Map<String, String> env) {
        return env;
    }

    /** What {@code /health} checks: nothing in memory. */
    JsonObject healthChecks() {
        return new JsonObject();
    }

    @Test
    void list_atStart_threeSeededUsersInIdOrder() {
        JsonObject page = json(http.get("/users"), 200);

        assertEquals(20, page.getInt("limit", -1));
        assertEquals(0, page.getInt("offset", -1));
        assertEquals(3, page.size(), page.toString());
        JsonArray items = page.get("items").asArray();
        assertEquals(List.of(1L, 2L, 3L), ids(items));
        assertEquals("Ada Lovelace", items.get(0).asObject().getString("name", null));
        assertEquals("Alan Turing", items.get(1).asObject().getString("name", null));
        assertEquals("Grace Hopper", items.get(2).asObject().getString("name", null));
    }

    @Test
    void get_seededUser_200WithItsFields() {
        JsonObject user = json(http.get("/users/1"), 200);

        assertEquals(1, user.getLong("id", -1));
        assertEquals("Ada Lovelace", user.getString("name", null));
        assertEquals("ada@example.org", user.getString("email", null));
        Instant.parse(user.getString("createdAt", null));
        assertEquals(4, user.size(), user.toString());
    }

    @Test
    void create_validUser_201WithLocationIdAndCreatedAt() {
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> response = http.postJson("/users",
                "{\"name\":\"  Barbara Liskov \",\"email\":\"barbara@example.org\"}");

        JsonObject user = json(response, 201);
        assertEquals(4, user.getLong("id", -1));
        assertEquals("/users/4", response.headers().firstValue("Location").orElse(null));
        assertEquals("Barbara Liskov", user.getString("name", null));
        assertEquals("barbara@example.org", user.getString("email", null));
        Instant createdAt = Instant.parse(user.getString("createdAt", null));
        assertFalse(createdAt.isBefore(before), createdAt.toString());
        assertTrue(createdAt.isBefore(Instant.now().plus(Duration.ofSeconds(1))), createdAt.toString());
        assertEquals(4, user.size(), user.toString());
    }

    @Test
    void get_createdUser_sameAsCreated() {
        HttpResponse<String> created = http.postJson("/users",
                "{\"name\":\"Jos\u00e9 \u00c5ngstr\u00f6m \u5c71\u7530 \ud83d\ude00\",\"email\":\"jose@example.org\"}");
        JsonObject user = json(created, 201);

        JsonObject fetched = json(http.get(created.headers().firstValue("Location").orElseThrow()), 200);

        assertEquals(user, fetched);
        assertEquals("Jos\u00e9 \u00c5ngstr\u00f6m \u5c71\u7530 \ud83d\ude00", fetched.getString("name", null));
    }

    @Test
    void create_mixedCaseDomain_domainLowerCasedLocalPartKept() {
        JsonObject user = json(http.postJson("/users",
                "{\"name\":\"Ken\",\"email\":\" Ken.Thompson@Bell-Labs.COM \"}"), 201);

        assertEquals("Ken.Thompson@bell-labs.com", user.getString("email", null));
    }

    @Test
    void create_duplicateEmail_409AndNothingStored() {
        problem(http.postJson("/users", "{\"name\":\"Another Ada\",\"email\":\"ada@example.org\"}"), 409);
        problem(http.postJson("/users", "{\"name\":\"Another Ada\",\"email\":\"ADA@Example.ORG\"}"), 409);

        assertEquals(List.of(1L, 2L, 3L), ids(json(http.get("/users"), 200).get("items").asArray()));
        assertEquals(4, create("Next", "next@example.org"), "a refused insert uses up no id");
    }

    @Test
    void create_sameEmailConcurrently_exactlyOneCreated() throws Exception {
        var counts = new ConcurrentHashMap<Integer, Integer>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<Integer>>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> http.postJson("/users",
                        "{\"name\":\"Racer\",\"email\":\"race@example.org\"}").statusCode()));
            }
            for (Future<Integer> answer : answers) {
                counts.merge(answer.get(), 1, Integer::sum);
            }
        }

        assertEquals(1, counts.get(201), counts.toString());
        assertEquals(19, counts.get(409), counts.toString());
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(json(http.get("/users"), 200).get("items").asArray()));
    }

    @Test
    void list_limitAndOffset_pageOfUsers() {
        create("Four", "four@example.org");
        create("Five", "five@example.org");

        assertEquals(List.of(2L, 3L), ids(json(http.get("/users?limit=2&offset=1"), 200).get("items").asArray()));
        assertEquals(List.of(5L), ids(json(http.get("/users?limit=100&offset=4"), 200).get("items").asArray()));
        assertEquals(List.of(), ids(json(http.get("/users?offset=5"), 200).get("items").asArray()));
        JsonObject page = json(http.get("/users?limit=2&offset=1"), 200);
        assertEquals(2, page.getInt("limit", -1));
        assertEquals(1, page.getInt("offset", -1));
    }

    @Test
    void list_badLimitOrOffset_400() {
        for (String query : new String[] {"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "offset=-1",
                "offset=x", "limit=1e1", "limit=%25zz", "limit=2.5"}) {
            problem(http.get("/users?" + query), 400);
        }
    }

    @Test
    void get_unknownId_404() {
        problem(http.get("/users/4"), 404);
        problem(http.get("/users/0"), 404);
        problem(http.get("/users/999999999999999999"), 404);
    }

    @Test
    void get_nonNumericOrOversizedId_404() {
        for (String path : new String[] {"/users/abc", "/users/1abc", "/users/-1", "/users/1.0",
                "/users/99999999999999999999", "/users/1/extra", "/users/", "/user/1"}) {
            problem(http.get(path), 404);
        }
    }

    @Test
    void users_wrongMethod_405WithAllow() {
        HttpResponse<String> put = http.send(http.request("/users/1").PUT(BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json"));
        problem(put, 405);
        assertEquals("GET, HEAD", put.headers().firstValue("Allow").orElse(null));

        HttpResponse<String> delete = http.delete("/users");
        problem(delete, 405);
        assertEquals("GET, HEAD, POST", delete.headers().firstValue("Allow").orElse(null));

        problem(http.delete("/users/1"), 405);
        assertEquals("Ada Lovelace", json(http.get("/users/1"), 200).getString("name", null));
    }

    @Test
    void responses_everyKind_carryXServedByHostname() {
        List<HttpResponse<String>> answers = List.of(
                http.get("/users"),
                http.get("/users/1"),
                http.postJson("/users", "{\"name\":\"Served\",\"email\":\"served@example.org\"}"),
                http.postJson("/users", "{\"name\":\"Served\",\"email\":\"served@example.org\"}"),
                http.postJson("/users", "{"),
                http.get("/users/999"),
                http.get("/nowhere"),
                http.delete("/users"),
                http.get("/health"));

        for (HttpResponse<String> answer : answers) {
            assertEquals(HOST, answer.headers().firstValue("X-Served-By").orElse(null),
                    () -> answer.request().method() + " " + answer.request().uri() + " -> " + answer.statusCode());
        }
        assertEquals(List.of(200, 200, 201, 409, 400, 404, 404, 405, 200),
                answers.stream().map(HttpResponse::statusCode).toList());
    }

    @Test
    void users_requestId_echoedAndInProblems() {
        HttpResponse<String> ok = http.send(http.request("/users/1").header("X-Request-Id", "trace-users-1"));
        assertEquals("trace-users-1", ok.headers().firstValue("X-Request-Id").orElse(null));

        HttpResponse<String> missing = http.send(http.request("/users/42").header("X-Request-Id", "trace-users-2"));
        assertEquals("trace-users-2", problem(missing, 404).getString("requestId", null));
    }

    @Test
    void health_running_200UpWithoutChecks() {
        assertEquals(new JsonObject().add("status", "UP").add("checks", healthChecks()),
                json(http.get("/health"), 200));
    }

    @Test
    void start_portNotANumber_configErrorNamingPort() {
        var e = assertThrows(Config.ConfigException.class, () -> UsersService.start(Map.of("PORT", "abc")));

        assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
    }

    @Test
    void start_hostnameWithControlCharacters_headerStaysSafe() {
        users.restart(() -> UsersService.start(
                TestServer.freePorts(withStore(Map.of("HOSTNAME", "evil\r\nSet-Cookie: x")))));

        HttpResponse<String> response = http.get("/users/1");

        assertEquals(200, response.statusCode());
        assertEquals("evil??Set-Cookie:?x", response.headers().firstValue("X-Served-By").orElse(null));
        assertTrue(response.headers().firstValue("Set-Cookie").isEmpty());
    }

    private long create(String name, String email) {
        return json(http.postJson("/users", new JsonObject().add("name", name).add("email", email).toString()), 201)
                .getLong("id", -1);
    }

    private static List<Long> ids(JsonArray items) {
        List<Long> ids = new ArrayList<>();
        for (JsonValue item : items) {
            ids.add(item.asObject().getLong("id", -1));
        }
        return ids;
    }
}
