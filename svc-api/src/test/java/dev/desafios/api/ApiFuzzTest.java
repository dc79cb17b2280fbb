package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared bad-input suite over every route of the API in memory: the visit count never goes back. */
class ApiFuzzTest {
    @RegisterExtension
    final TestServer api = new TestServer(() -> ApiService.start(TestServer.freePorts(Map.of("HOSTNAME", "api-fuzz"))));
    private final TestHttp http = api.http();
    private BadInput fuzz;
    private long visits;

    @BeforeEach
    void visitOnce() {
        json(http.get("/"), 200);
        visits = visits();
        fuzz = new BadInput(api.port(), this::assertNothingLost);
    }

    @Test
    void everyRoute_hostileBodies_405ProblemNothingLost() {
        for (String path : new String[] {"/", "/visits", "/health"}) {
            fuzz.bodies("POST", path, new JsonObject().add("message", "hi"));
            fuzz.bodies("DELETE", path, new JsonObject().add("message", "hi"));
        }
    }

    @Test
    void everyRoute_hostilePathsAndQueries_4xxProblemNothingLost() {
        fuzz.targets("GET", BadInput.paths("/visits"));
        fuzz.targets("GET", BadInput.paths(""));
        fuzz.queries("GET", BadInput.queries("/"));
        fuzz.queries("GET", BadInput.queries("/visits"));
    }

    @Test
    void everyRoute_hostileHeadersAndRequestLines_refusedOrServedNothingLost() {
        fuzz.headersAndRequestLines("GET", "/");
        fuzz.headersAndRequestLines("GET", "/visits");
        fuzz.headersAndRequestLines("POST", "/");
    }

    @Test
    void post_tenMebibyteBody_4xxWithoutReadingIt() {
        fuzz.tenMebibyteBody("POST", "/");
    }


    private long visits() {
        return json(http.get("/visits"), 200).getLong("visits", -1);
    }

    private void assertNothingLost() {
        long now = visits();
        assertTrue(now >= visits, "visits went from " + visits + " to " + now);
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
