package dev.desafios.poller;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared bad-input suite over the poller's only route, /health, while it keeps polling. */
class PollerFuzzTest {
    private final FakeUpstream api = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"hostname\":\"api-1\"}"));
    @RegisterExtension
    final TestServer poller = new TestServer(() -> PollerService.start(TestServer.freePorts(
            Map.of("TARGET_URL", api.uri("/").toString(), "POLL_INTERVAL", "500ms")))).closing(api);
    private final TestHttp http = poller.http();
    private BadInput fuzz;

    @BeforeEach
    void suite() {
        fuzz = new BadInput(poller.port(), this::assertHealthy);
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
