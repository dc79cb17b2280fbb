package dev.desafios.common.testing;

import dev.desafios.common.Server;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server under test, started before each test and stopped after it, with a {@link TestHttp}
 * client for it. Registered on an instance field (not private), after the fields its start uses:
 *
 * <pre>{@code
 * private final FakeUpstream users = FakeUpstream.start();
 * @RegisterExtension
 * final TestServer orders = new TestServer(() -> OrdersService.start(TestServer.freePorts(
 *         Map.of("USERS_URL", users.uri("").toString())))).closing(users);
 * private final TestHttp http = orders.http();
 * }</pre>
 *
 * <p>The start runs before the class's {@code @BeforeEach} methods (which may use the running
 * server), the stop after its {@code @AfterEach} methods; then the resources given to
 * {@link #closing} are closed. A test that must control when its server starts or stops does so
 * itself.
 */
public class TestServer implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private final TestHttp http = new TestHttp(this::port);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Supplier<Server> start;
    private Server server;

    /** A server that {@code start} starts, on the ports its settings name (0: free ones). */
    public TestServer(Supplier<Server> start) {
        this.start = start;
    }

    /**
     * The environment with {@code PORT} and {@code ADMIN_PORT} 0 (free ports the system picks)
     * unless it sets them: a test never takes 8080 or 9090 from another.
     */
    public static Map<String, String> freePorts(Map<String, String> env) {
        var withPorts = new HashMap<>(env);
        withPorts.putIfAbsent("PORT", "0");
        withPorts.putIfAbsent("ADMIN_PORT", "0");
        return withPorts;
    }

    /** Also closes these after the server has stopped (the fakes and stores its start used), in order. */
    public TestServer closing(AutoCloseable... more) {
        resources.addAll(List.of(more));
        return this;
    }

    /** Starts the server now (when used without JUnit, or before the test would). */
    public TestServer begin() {
        if (server == null) {
            server = start.get();
        }
        return this;
    }

    /** Stops the server and starts it again the same way (on new free ports when its settings say 0). */
    public void restart() {
        restart(start);
    }

    /** Stops the server and starts the other one in its place, stopped after the test in turn. */
    public void restart(Supplier<Server> other) {
        stopServer();
        start = other;
        begin();
    }

    /** The running server. */
    public Server server() {
        if (server == null) {
            throw new IllegalStateException("the server is not running");
        }
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return server().port();
    }

    /** The port its metrics are served on ({@code ADMIN_PORT}). */
    public int adminPort() {
        return server().adminPort();
    }

    /** A client for this server, on whatever port it has when a request is sent (after a restart too). */
    public TestHttp http() {
        return http;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        begin();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /**
     * Stops the server, closes the client, then the resources given to {@link #closing} (all of
     * them, whatever fails). The server first: a client closing a kept-alive connection just as the
     * JDK's server stops would make the stop wait its whole drain time.
     */
    @Override
    public void close() {
        stopServer();
        http.close();
        RuntimeException failed = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("closing " + resource + " failed", e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (failed != null) {
            throw failed;
        }
    }

    private void stopServer() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
