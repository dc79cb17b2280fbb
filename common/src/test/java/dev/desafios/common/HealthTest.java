package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Health} behind a real server, and {@link HealthProbe} against it. */
class HealthTest {
    private final AtomicBoolean cacheUp = new AtomicBoolean(true);
    @RegisterExtension
    final TestServer server = new TestServer(() -> serving(new Health()
            .check("db", () -> true)
            .check("cache", cacheUp::get)));
    private final TestHttp http = server.http();

    private static Server serving(Health health) {
        return Server.start(0, new Router(65536).get("/health", health::handle));
    }

    @Test
    void health_allChecksPass_200UpWithEachCheck() {
        JsonObject body = json(http.get("/health"), 200);

        assertEquals("UP", body.getString("status", null));
        assertEquals(new JsonObject().add("db", "UP").add("cache", "UP"), body.get("checks"));
    }

    @Test
    void health_oneCheckFails_503DownNamingIt() {
        cacheUp.set(false);

        JsonObject body = json(http.get("/health"), 503);

        assertEquals("DOWN", body.getString("status", null));
        assertEquals(new JsonObject().add("db", "UP").add("cache", "DOWN"), body.get("checks"));
    }

    @Test
    void health_checkThrows_503DownNamingIt() {
        var health = new Health().check("broken", () -> {
            throw new IllegalStateException("no connection");
        });
        try (var other = new TestServer(() -> serving(health)).begin()) {
            JsonObject body = json(other.http().get("/health"), 503);
            assertEquals(new JsonObject().add("broken", "DOWN"), body.get("checks"));
        }
    }

    @Test
    void health_noChecks_200Up() {
        try (var other = new TestServer(() -> serving(new Health())).begin()) {
            JsonObject body = json(other.http().get("/health"), 200);
            assertEquals(new JsonObject(), body.get("checks"));
        }
    }

    @Test
    void healthProbe_healthyServer_true() {
        assertTrue(HealthProbe.isHealthy(server.port()));
    }

    @Test
    void healthProbe_serverAnswers503_false() {
        cacheUp.set(false);

        assertFalse(HealthProbe.isHealthy(server.port()));
    }

    @Test
    void healthProbe_closedPort_false() {
        FakeUpstream closed = FakeUpstream.start();
        closed.close();

        assertFalse(HealthProbe.isHealthy(closed.port()));
    }

    @Test
    void healthProbe_garbageAnswer_false() {
        try (FakeUpstream upstream = FakeUpstream.start().answer(FakeUpstream.garbage())) {
            assertFalse(HealthProbe.isHealthy(upstream.port()));
        }
    }

    @Test
    void healthProbe_down503_notHealthyButAlive() {
        try (FakeUpstream upstream = FakeUpstream.start().answer(FakeUpstream.json(503, "{\"status\":\"DOWN\"}"))) {
            var url = java.net.URI.create("http://127.0.0.1:" + upstream.port() + "/health");

            org.junit.jupiter.api.Assertions.assertEquals(HealthProbe.FAILED, HealthProbe.probe(url, "200"));
            org.junit.jupiter.api.Assertions.assertEquals(HealthProbe.OK, HealthProbe.probe(url, "200|503"));
        }
    }

    @Test
    void healthProbe_stoppedServer_false() {
        server.server().stop();

        assertFalse(HealthProbe.isHealthy(server.port()));
    }

    @Test
    void healthProbe_serverThatNeverAnswers_exitCodeSaysTimedOut() throws Exception {
        // The kernel completes the connection from the backlog; nobody ever reads or answers.
        try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = HealthProbe.probe(java.net.URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/health"), "200");

            org.junit.jupiter.api.Assertions.assertEquals(HealthProbe.TIMED_OUT, code);
        }
    }

    @Test
    void healthProbe_closedPort_exitCodeSaysFailed() {
        FakeUpstream closed = FakeUpstream.start();
        closed.close();

        org.junit.jupiter.api.Assertions.assertEquals(HealthProbe.FAILED,
                HealthProbe.probe(java.net.URI.create("http://127.0.0.1:" + closed.port() + "/"), "200"));
    }
}
