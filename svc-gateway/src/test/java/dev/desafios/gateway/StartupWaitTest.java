package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Server;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** UPSTREAM_STARTUP_WAIT: the gateway takes connections once its upstream names resolve, or after the wait. */
class StartupWaitTest {
    private static final Map<String, String> ENV = Map.of(
            "USERS_URL", "http://users:8080", "ORDERS_URL", "http://orders:8080",
            "UPSTREAM_HEALTH_INTERVAL", "60m", "RATE_LIMIT", "0");

    @Test
    void namesResolvingLate_gatewayStartsOnceTheyDo_andItsFirstRequestIsServed() {
        try (var users = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"id\":1}"))) {
            long resolvesAt = System.nanoTime() + 400_000_000L;
            Addresses lateDns = (host, port) -> {
                if (System.nanoTime() - resolvesAt < 0) {
                    throw new UnknownHostException(host);
                }
                return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), users.port()));
            };

            long started = System.nanoTime();
            Server server = startGateway(Map.of("UPSTREAM_STARTUP_WAIT", "5s"), lateDns);
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertTrue(tookMs >= 400 && tookMs < 4_000, "started after " + tookMs + " ms");
            assertEquals(200, firstAnswer(server, "/api/users/1"));
        }
    }

    @Test
    void namesNeverResolving_gatewayStartsAfterTheWait_answering503() {
        Addresses noDns = (host, port) -> {
            throw new UnknownHostException(host);
        };

        long started = System.nanoTime();
        Server server = startGateway(Map.of("UPSTREAM_STARTUP_WAIT", "300ms"), noDns);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMs >= 300 && tookMs < 3_000, "started after " + tookMs + " ms");
        assertEquals(503, firstAnswer(server, "/api/users/1"));
    }

    /** The status of one GET, the gateway stopped after it. */
    private static int firstAnswer(Server server, String path) {
        var http = new TestHttp(server.port());
        try {
            return http.get(path).statusCode();
        } finally {
            server.stop();
            http.close();
        }
    }

    private static Server startGateway(Map<String, String> env, Addresses addresses) {
        var settings = new HashMap<>(ENV);
        settings.putAll(env);
        return GatewayService.start(TestServer.freePorts(settings), addresses);
    }
}
