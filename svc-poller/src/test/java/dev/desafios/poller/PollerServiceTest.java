package dev.desafios.poller;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Config;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollerServiceTest {

    @Test
    void start_targetUp_healthUpAndTargetCalledWithRequestId() throws InterruptedException {
        try (var upstream = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"hostname\":\"api-1\"}"));
             var poller = new TestServer(() -> PollerService.start(TestServer.freePorts(Map.of(
                     "TARGET_URL", upstream.uri("/").toString(), "POLL_INTERVAL", "20ms", "POLL_TIMEOUT", "500ms"))))
                     .begin()) {
            JsonObject health = json(poller.http().get("/health"), 200);
            assertEquals(new JsonObject().add("status", "UP").add("checks", new JsonObject().add("loop", "UP")),
                    health);

            for (int i = 0; i < 500 && upstream.received().size() < 2; i++) {
                Thread.sleep(10);
            }
            assertTrue(upstream.received().size() >= 2, "the poller called the target");
            assertTrue(upstream.received().get(0).header("X-Request-Id").matches("[0-9a-f]{16}"));
        }
    }

    @Test
    void start_targetDown_serviceStillHealthy() {
        FakeUpstream closed = FakeUpstream.start();
        closed.close();
        try (var poller = new TestServer(() -> PollerService.start(TestServer.freePorts(Map.of(
                "TARGET_URL", closed.uri("/").toString(), "POLL_INTERVAL", "20ms", "POLL_MAX_BACKOFF", "50ms"))))
                .begin()) {
            assertEquals("UP", json(poller.http().get("/health"), 200).getString("status", null));
        }
    }

    @Test
    void start_pollIntervalTwoHours_configErrorNamingIt() {
        var e = assertThrows(Config.ConfigException.class,
                () -> PollerService.start(TestServer.freePorts(Map.of("POLL_INTERVAL", "2 hours"))));

        assertTrue(e.getMessage().startsWith("POLL_INTERVAL="), e.getMessage());
    }

    @Test
    void start_badTargetUrl_configErrorNamingIt() {
        var e = assertThrows(Config.ConfigException.class,
                () -> PollerService.start(TestServer.freePorts(Map.of("TARGET_URL", "api:8080"))));

        assertTrue(e.getMessage().startsWith("TARGET_URL="), e.getMessage());
    }

    @Test
    void start_badMaxBackoffOrTimeout_configErrorNamingIt() {
        var backoff = assertThrows(Config.ConfigException.class,
                () -> PollerService.start(TestServer.freePorts(Map.of("POLL_MAX_BACKOFF", "10"))));
        var timeout = assertThrows(Config.ConfigException.class,
                () -> PollerService.start(TestServer.freePorts(Map.of("POLL_TIMEOUT", "0s"))));

        assertTrue(backoff.getMessage().startsWith("POLL_MAX_BACKOFF="), backoff.getMessage());
        assertTrue(timeout.getMessage().startsWith("POLL_TIMEOUT="), timeout.getMessage());
    }

    @Test
    void start_portNotANumber_configErrorNamingPort() {
        var e = assertThrows(Config.ConfigException.class,
                () -> PollerService.start(Map.of("PORT", "abc")));

        assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
    }
}
