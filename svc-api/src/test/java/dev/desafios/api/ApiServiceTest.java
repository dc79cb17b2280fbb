package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Config;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiServiceTest {
    @RegisterExtension
    final TestServer api = new TestServer(() -> ApiService.start(
            TestServer.freePorts(Map.of("HOSTNAME", "api-test-1"))));
    private final TestHttp http = api.http();

    @Test
    void hello_firstCall_messageHostnameTimeAndOneVisit() {
        Instant before = Instant.now().minusSeconds(1);

        JsonObject body = json(http.get("/"), 200);

        assertEquals("Hello from svc-api", body.getString("message", null));
        assertEquals("api-test-1", body.getString("hostname", null));
        Instant time = Instant.parse(body.getString("time", null));
        assertFalse(time.isBefore(before), time.toString());
        assertTrue(time.isBefore(Instant.now().plus(Duration.ofSeconds(1))), time.toString());
        assertEquals(1, body.getLong("visits", -1));
        assertEquals(4, body.size(), body.toString());
    }

    @Test
    void hello_eachCall_countsOneMore() {
        assertEquals(1, json(http.get("/"), 200).getLong("visits", -1));
        assertEquals(2, json(http.get("/"), 200).getLong("visits", -1));
        assertEquals(3, json(http.get("/"), 200).getLong("visits", -1));
    }

    @Test
    void visits_countsOnlyGetRoot() {
        json(http.get("/"), 200);
        json(http.get("/"), 200);
        json(http.get("/health"), 200);
        json(http.get("/visits"), 200);
        problem(http.get("/nope"), 404);
        problem(http.post("/", "application/json", BodyPublishers.ofString("{}")), 405);
        HttpResponse<String> head = http.send(http.request("/").method("HEAD", BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());

        assertEquals(new JsonObject().add("visits", 2), json(http.get("/visits"), 200));
        assertEquals(3, json(http.get("/"), 200).getLong("visits", -1));
    }

    @Test
    void visits_beforeAnyVisit_zero() {
        assertEquals(new JsonObject().add("visits", 0), json(http.get("/visits"), 200));
    }

    @Test
    void hello_concurrentCalls_eachCounted() throws Exception {
        int calls = 50;
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<HttpResponse<String>>>();
            for (int i = 0; i < calls; i++) {
                futures.add(pool.submit(() -> http.get("/")));
            }
            for (var future : futures) {
                assertEquals(200, future.get().statusCode());
            }
        }

        assertEquals(calls, json(http.get("/visits"), 200).getLong("visits", -1));
    }

    @Test
    void health_alone_200Up() {
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }

    @Test
    void hello_post_405AllowGet() {
        HttpResponse<String> response = http.post("/", "application/json", BodyPublishers.ofString("{}"));

        problem(response, 405);
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void visits_delete_405AllowGet() {
        HttpResponse<String> response = http.delete("/visits");

        problem(response, 405);
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void api_unknownPath_404() {
        problem(http.get("/visits/1"), 404);
        problem(http.get("/index.html"), 404);
    }

    @Test
    void hello_requestIdSent_returned() {
        HttpResponse<String> response = http.send(http.request("/").header("X-Request-Id", "poller-1"));

        assertEquals("poller-1", response.headers().firstValue("X-Request-Id").orElse(null));
    }

    @Test
    void start_portNotANumber_configErrorNamingPort() {
        var e = assertThrows(Config.ConfigException.class, () -> ApiService.start(Map.of("PORT", "abc")));

        assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
    }

    @Test
    void start_maxBodyBytesInvalid_configErrorNamingIt() {
        var e = assertThrows(Config.ConfigException.class,
                () -> ApiService.start(TestServer.freePorts(Map.of("MAX_BODY_BYTES", "lots"))));

        assertTrue(e.getMessage().startsWith("MAX_BODY_BYTES="), e.getMessage());
    }
}
