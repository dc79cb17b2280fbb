package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics on ADMIN_PORT: the router's requests by route pattern, never by raw path. */
class AdminServerTest {
    private final Router router = new Router(65536).get("/items/{id}", request -> Response.noContent());
    @RegisterExtension
    final TestServer server = new TestServer(() -> Server.start(new Config(TestServer.freePorts(Map.of())), router));
    private final TestHttp http = server.http();
    private final TestHttp admin = new TestHttp(server::adminPort);

    @Test
    void metrics_requestsByRoutePatternMethodAndStatus() {
        http.get("/items/1");
        http.get("/items/2");
        http.get("/no/such/path/" + System.nanoTime());

        HttpResponse<String> metrics = admin.get("/metrics");

        assertEquals(200, metrics.statusCode());
        assertEquals(Metrics.CONTENT_TYPE, TestHttp.contentType(metrics));
        String text = metrics.body();
        assertTrue(text.contains("http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"204\"} 2\n"), text);
        assertTrue(text.contains("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_count{route=\"/items/{id}\"} 2\n"), text);
        assertTrue(text.contains("\nhttp_requests_in_flight 0\n"), text);
        assertTrue(!text.contains("/no/such/path"), "no raw path as a label");
    }

    @Test
    void adminPort_onlyMetrics_andTheServicePortHasNone() {
        assertEquals(404, admin.get("/").statusCode());
        assertEquals(405, admin.send(admin.request("/metrics").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(404, http.get("/metrics").statusCode());
    }

    @Test
    void adminSubnet_metricsOnlyOnTheAddressInIt() throws Exception {
        try (var loopbackOnly = new TestServer(() -> Server.start(
                new Config(TestServer.freePorts(Map.of("ADMIN_SUBNET", "127.0.0.0/8"))), router)).begin()) {
            assertEquals(200, new TestHttp(loopbackOnly.adminPort()).get("/metrics").statusCode());
            List<InetAddress> others = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> !address.isLoopbackAddress()).toList();
            for (InetAddress other : others) {
                assertRefused(other, loopbackOnly.adminPort());
            }
        }
    }

    @Test
    void adminSubnetWithNoAddressHereYet_servicePortAnswers_metricsWait() throws Exception {
        // 198.51.100.0/24 is for documentation: no machine has an address in it.
        try (var waiting = new TestServer(() -> Server.start(
                new Config(TestServer.freePorts(Map.of("ADMIN_SUBNET", "198.51.100.0/24"))), router)).begin()) {
            Thread.sleep(300);
            assertEquals(-1, waiting.adminPort());
            assertEquals(204, waiting.http().get("/items/1").statusCode());
        }
    }

    @Test
    void adminSubnetNotABlock_refusedNamingIt() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("ADMIN_SUBNET", "internal")).requirePorts());

        assertTrue(e.getMessage().contains("ADMIN_SUBNET"), e.getMessage());
    }

    private static void assertRefused(InetAddress address, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            throw new AssertionError("the admin port answered on " + address);
        } catch (IOException refused) {
            // not listening there
        }
    }

    @Test
    void adminPortSameAsPort_refusedNamingIt() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("PORT", "8080", "ADMIN_PORT", "8080")).requirePorts());

        assertTrue(e.getMessage().contains("ADMIN_PORT"), e.getMessage());
    }
}
