package dev.desafios.poller;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Server;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared bad-input suite over the poller's only route, /health, while it keeps polling. */
class PollerFuzzTest {
    private FakeUpstream api;
    private Server server;
    private TestHttp http;
    private BadInput fuzz;

    @BeforeEach
    void start() {
        api = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"hostname\":\"api-1\"}"));
        server = PollerService.start(TestServer.freePorts(Map.of("TARGET_URL", api.uri("/").toString(), "POLL_INTERVAL", "500ms")));
        http = new TestHttp(server.port());
        fuzz = new BadInput(server.port(), this::assertHealthy);
    }

    @AfterEach
    void stop() {
        server.stop();
        http.close();
        api.close();
    }

    @Test
    void health_hostileBodiesPathsQueries_4xxProblemStillUp() {
        fuzz.bodies("POST", "/health", new JsonObject().add("status", "DOWN"));
        fuzz.targets("GET", BadInput.paths("/health"));
        fuzz.queries("GET", BadInput.queries("/health"));
    }

    @Test
    void health_hostileHeadersAndRequestLines_refusedOrServedStillUp() {
        fuzz.headersAndRequestLines("GET", "/health");
        fuzz.tenMebibyteBody("POST", "/health");
    }

    private void assertHealthy() {
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
