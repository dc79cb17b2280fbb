package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static dev.desafios.orders.OrdersServiceFixture.order;
import static dev.desafios.orders.OrdersServiceFixture.userJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Server;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Orders when users cannot answer: a 502, 503 or 504 problem within the timeout, never a hang, never a write. */
class OrdersUsersFailureTest {
    private FakeUpstream users;
    private Server server;
    private TestHttp http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
            http.close();
        }
        if (users != null) {
            users.close();
        }
    }

    @Test
    void create_usersSlow_504WithinTheTimeout() {
        startAgainstFake("300ms");
        users.answer(FakeUpstream.json(200, userJson(1).toString()).after(Duration.ofSeconds(5)));

        long start = System.nanoTime();
        HttpResponse<String> response = http.postJson("/orders", order(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        problem(response, 504);
        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "answered after " + took);
        assertNothingStored();
    }

    @Test
    void get_usersSlow_504WithinTheTimeout() {
        startAgainstFake("300ms");
        json(http.postJson("/orders", order(1)), 201);
        users.answer(FakeUpstream.json(200, userJson(1).toString()).after(Duration.ofSeconds(5)));

        long start = System.nanoTime();
        HttpResponse<String> response = http.get("/orders/1");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        problem(response, 504);
        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "answered after " + took);
    }

    @Test
    void create_usersSlowDefaultTimeout_504AfterAboutTwoSeconds() {
        users = FakeUpstream.start();
        users.answer(FakeUpstream.json(200, userJson(1).toString()).after(Duration.ofSeconds(8)));
        start(Map.of("USERS_URL", "http://127.0.0.1:" + users.port()));

        long start = System.nanoTime();
        HttpResponse<String> response = http.postJson("/orders", order(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        problem(response, 504);
        assertTrue(took.compareTo(Duration.ofMillis(1800)) > 0 && took.compareTo(Duration.ofMillis(4000)) < 0,
                "answered after " + took);
    }

    @Test
    void create_usersRefuses_502() {
        startAgainstFake("1s");
        users.close();

        JsonObject problem = problem(http.postJson("/orders", order(1)), 502);

        assertTrue(problem.getString("detail", "").contains("refused"), problem.toString());
        assertNothingStored();
    }

    @Test
    void get_usersRefuses_502() {
        startAgainstFake("1s");
        json(http.postJson("/orders", order(1)), 201);
        users.close();

        problem(http.get("/orders/1"), 502);
        assertEquals(1, json(http.get("/orders"), 200).get("items").asArray().size(), "listing needs no users");
    }

    @Test
    void create_usersAnswersGarbage_502() {
        startAgainstFake("1s");
        users.answer(FakeUpstream.garbage());

        problem(http.postJson("/orders", order(1)), 502);
        assertNothingStored();
    }

    @Test
    void create_usersAnswersAnErrorStatus_502() {
        startAgainstFake("1s");
        for (int status : new int[] {500, 400, 401, 302, 429}) {
            users.answer(FakeUpstream.json(status, "{\"status\":" + status + "}"));

            JsonObject problem = problem(http.postJson("/orders", order(1)), 502);

            assertTrue(problem.getString("detail", "").contains(String.valueOf(status)), problem.toString());
        }
        assertNothingStored();
    }

    @Test
    void create_usersAnswers200WithSomethingElse_502() {
        startAgainstFake("1s");
        for (String body : new String[] {"<html>hello</html>", "", "[]", "{}", "{\"id\":2,\"name\":\"Wrong\"}",
                "{\"id\":\"1\"}", "{\"id\":1", "null"}) {
            users.answer(FakeUpstream.json(200, body));

            problem(http.postJson("/orders", order(1)), 502);
        }
        assertNothingStored();
    }

    @Test
    void create_usersNameDoesNotResolve_503() {
        start(Map.of("USERS_URL", "http://no-such-host.invalid:8080", "USERS_TIMEOUT", "1s"));

        problem(http.postJson("/orders", order(1)), 503);
        assertNothingStored();
    }

    @Test
    void create_usersBack_succeedsAgain() {
        startAgainstFake("1s");
        int port = users.port();
        users.close();
        problem(http.postJson("/orders", order(1)), 502);

        users = FakeUpstream.startOn(port);
        users.answer(FakeUpstream.json(200, userJson(1).toString()));

        json(http.postJson("/orders", order(1)), 201);
    }

    @Test
    void create_usersUrlWithPathPrefix_callsUnderIt() {
        users = FakeUpstream.start();
        users.answer(FakeUpstream.json(200, userJson(1).toString()));
        start(Map.of("USERS_URL", "http://127.0.0.1:" + users.port() + "/internal/"));

        json(http.postJson("/orders", order(1)), 201);

        assertEquals("/internal/users/1", users.received().get(0).target());
    }

    private void startAgainstFake(String timeout) {
        users = FakeUpstream.start();
        users.answer(FakeUpstream.json(200, userJson(1).toString()));
        start(Map.of("USERS_URL", "http://127.0.0.1:" + users.port(), "USERS_TIMEOUT", timeout));
    }

    private void start(Map<String, String> env) {
        server = OrdersService.start(TestServer.freePorts(env));
        http = new TestHttp(server.port());
    }

    private void assertNothingStored() {
        assertEquals(0, json(http.get("/orders"), 200).get("items").asArray().size());
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
