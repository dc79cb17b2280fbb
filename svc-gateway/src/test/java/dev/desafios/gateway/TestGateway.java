package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway on free ports with a DNS of its own: the names {@code users} and {@code orders}
 * point at fake upstreams on 127.0.0.1 (several for replicas), or at nothing. A {@link TestServer}:
 * registered on a field with {@code @RegisterExtension}, it starts before each test and stops after it.
 */
final class TestGateway extends TestServer {
    /** One raw response: status, lower-case header names, body. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Map<String, List<InetSocketAddress>> names;
    final TestHttp http;

    private TestGateway(Map<String, List<InetSocketAddress>> names, Map<String, String> env) {
        super(() -> GatewayService.start(settings(env), (host, port) -> resolve(names, host)));
        this.names = names;
        this.http = http();
    }

    /** A gateway with the test defaults and these settings on top, not started yet. */
    static TestGateway with(Map<String, String> env) {
        return new TestGateway(new ConcurrentHashMap<>(), env);
    }

    /** A gateway with the test defaults, not started yet. */
    static TestGateway with() {
        return with(Map.of());
    }

    /** A gateway with the test defaults and these settings on top, started now. */
    static TestGateway start(Map<String, String> env) {
        return with(env).begin();
    }

    /** Stops the gateway and starts it again with the test defaults and these settings; its names stay. */
    void restart(Map<String, String> env) {
        restart(() -> GatewayService.start(settings(env), (host, port) -> resolve(names, host)));
    }

    @Override
    public TestGateway begin() {
        super.begin();
        return this;
    }

    @Override
    public TestGateway closing(AutoCloseable... more) {
        super.closing(more);
        return this;
    }

    /** The test defaults, these settings on top, on free ports. */
    private static Map<String, String> settings(Map<String, String> env) {
        var settings = new HashMap<>(Map.of(
                "USERS_URL", "http://users:8080",
                "ORDERS_URL", "http://orders:8080",
                "UPSTREAM_DNS_TTL", "10ms",
                "UPSTREAM_TIMEOUT", "2s",
                // Tests point names at their fakes after the start.
                "UPSTREAM_STARTUP_WAIT", "1ms",
                // Background probes would take the fakes' queued answers; HealthChecksTest sets its own.
                "UPSTREAM_HEALTH_INTERVAL", "60m",
                // Tests send from one address faster than a client would; RateLimitTest sets its own.
                "RATE_LIMIT", "0"));
        settings.putAll(env);
        return TestServer.freePorts(settings);
    }

    /** The gateway's metrics, as Prometheus would read them from ADMIN_PORT. */
    String metrics() {
        return new TestHttp(adminPort()).get("/metrics").body();
    }

    /** The name now resolves to these fakes, in this order. */
    TestGateway point(String name, FakeUpstream... upstreams) {
        var ports = new int[upstreams.length];
        for (int i = 0; i < upstreams.length; i++) {
            ports[i] = upstreams[i].port();
        }
        return pointPorts(name, ports);
    }

    /** The name now resolves to these ports of 127.0.0.1 (none: the name resolves to nothing). */
    TestGateway pointPorts(String name, int... ports) {
        var addresses = new ArrayList<InetSocketAddress>();
        for (int port : ports) {
            addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        names.put(name, List.copyOf(addresses));
        return this;
    }

    /** The name no longer resolves. */
    TestGateway unknown(String name) {
        names.remove(name);
        return this;
    }

    private static List<InetSocketAddress> resolve(Map<String, List<InetSocketAddress>> names, String host)
            throws UnknownHostException {
        List<InetSocketAddress> addresses = names.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    }

    /**
     * Sends a request exactly as written (request line and headers, CRLF added, the connection
     * closed after it), for what an HTTP client would correct or refuse to send.
     */
    Raw raw(String requestLine, String... headers) {
        // Connection: close first, so that the server closes after answering whatever else the caller adds.
        var request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the head, then Content-Length bytes (the server may keep the connection open), else to the end. */
    private static Raw parse(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String[] lines = head.toString().strip().split("\r\n");
        var headers = new HashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Asserts the gateway still answers its own health check. */
    void assertHealthy() {
        assertEquals(200, http.get("/health").statusCode());
    }
}
