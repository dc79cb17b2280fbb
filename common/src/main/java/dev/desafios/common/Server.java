package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's HttpServer on virtual threads, with server-side read timeouts, and a stop that
 * drains in-flight requests and then closes the service's resources (pools, loops).
 */
public final class Server implements AutoCloseable {
    /** How long a stop waits for in-flight requests: well inside Docker's 10 s. */
    static final int DRAIN_SECONDS = 5;
    /** Calls to other services end this long before the drain does: time to write their answer. */
    private static final long ANSWER_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * What a connection holds at most: the JDK's read buffers (8 KiB twice) and write buffers
     * (8 KiB, and 16 KiB once an answer was written, see Router's slices), and an exchange's own
     * objects while its answer waits for a client that does not read it. At 32 KiB (a cap of
     * about 2 400) connections that never read their answers still ran the gateway's heap out.
     */
    private static final long CONNECTION_BYTES = 48 * 1024;
    /**
     * Connections open at once: half the heap's worth, within [256, 8192] (about 1 600 in a
     * 256 MiB container). Past it the JDK closes a new connection as soon as it is accepted, so
     * that a client opening thousands of connections that never read their answers is refused
     * instead of running the heap out (docs/limits.md).
     */
    static final int MAX_CONNECTIONS = (int) Math.max(256,
            Math.min(8192, Runtime.getRuntime().maxMemory() / 2 / CONNECTION_BYTES));

    static {
        // Cut off clients that dribble their request (slow headers or body), and idle keep-alives.
        setDefault("sun.net.httpserver.maxReqTime", "10");
        setDefault("sun.net.httpserver.idleInterval", "30");
        // And clients that do not read their answer: it is held in memory until they do.
        setDefault("sun.net.httpserver.maxRspTime", "10");
        setDefault("jdk.httpserver.maxConnections", String.valueOf(MAX_CONNECTIONS));
        // Keep-alive connections held open between requests. Past this many, the JDK closes a
        // connection right after its answer without saying so, and the client's next request on
        // it is lost (a reset, no answer): as many as may be open, so that it never happens.
        setDefault("sun.net.httpserver.maxIdleConnections", String.valueOf(MAX_CONNECTIONS));
        // A refused body (413) is discarded, never stored, up to 2 MiB (as Tomcat's maxSwallowSize):
        // closing on unread bytes resets the connection and the client often loses the 413.
        setDefault("sun.net.httpserver.drainAmount", String.valueOf(2 * 1024 * 1024));
    }

    /** The protocols a TLS listener speaks: older ones have known weaknesses (RFC 8996). */
    public static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final HttpServer http;
    private final ExecutorService executor;
    private final List<AutoCloseable> resources;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private AdminServer admin;

    private Server(HttpServer http, ExecutorService executor, List<AutoCloseable> resources) {
        this.http = http;
        this.executor = executor;
        this.resources = resources;
    }

    /**
     * A service's server: the router on {@code PORT} and its metrics on {@code ADMIN_PORT} (0 for
     * either picks a free one, as tests do); the resources are closed on stop.
     */
    public static Server start(Config config, Router router, AutoCloseable... resources) {
        return start(config, config.port(), router, null, resources);
    }

    /**
     * As {@link #start(Config, Router, AutoCloseable...)}, on {@code port} with TLS when
     * {@code tls} is not null (TLS 1.3 and 1.2 only), its metrics on {@code ADMIN_PORT}.
     */
    public static Server start(Config config, int port, Router router, SSLContext tls,
            AutoCloseable... resources) {
        int adminPort = config.adminPort();
        Server server = start(port, router, tls, resources);
        try {
            server.admin = AdminServer.start(adminPort, router.metrics(), config.adminSubnet());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /**
     * Starts serving the router on the port (0 picks a free one); the resources are closed on stop.
     * The JDK parser's own caps are set from the router's limits: the JDK reads them once, when the
     * first server of the process starts, so every later server shares them.
     */
    public static Server start(int port, Router router, AutoCloseable... resources) {
        return start(port, router, null, resources);
    }

    private static Server start(int port, Router router, SSLContext tls, AutoCloseable... resources) {
        setDefault("sun.net.httpserver.maxReqHeaderSize", String.valueOf(router.limits().jdkHeadSizeCap()));
        setDefault("sun.net.httpserver.maxReqHeaders", String.valueOf(router.limits().jdkHeaderNamesCap()));
        try {
            HttpServer http = tls == null ? HttpServer.create(new InetSocketAddress(port), 256) : tlsServer(port, tls);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            // Exchanges are tracked until their head is read, so that slow heads can be cut under memory pressure.
            http.setExecutor(HeadGuard.guard(executor));
            http.createContext("/", router);
            http.start();
            Log.info("listening", new JsonObject().add("port", http.getAddress().getPort()).add("tls", tls != null));
            return new Server(http, executor, List.of(resources));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    /** An HTTPS server that speaks TLS 1.3 and 1.2 only, with the context's key and the JDK's default suites. */
    private static HttpsServer tlsServer(int port, SSLContext tls) throws IOException {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(port), 256);
        https.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setProtocols(TLS_PROTOCOLS);
                params.setSSLParameters(parameters);
            }
        });
        return https;
    }

    /** The port actually bound. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The admin port actually bound ({@code /metrics}), or -1 when there is none (yet). */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** Stops on SIGTERM or SIGINT (docker stop), draining first. */
    public Server stopOnSignal() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "drain"));
        return this;
    }

    /** Stops accepting, waits for in-flight requests (up to the drain time), then closes resources. Idempotent. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Log.info("stopping", new JsonObject().add("drainSeconds", DRAIN_SECONDS));
        long callsEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS) - ANSWER_MARGIN_NANOS;
        for (AutoCloseable resource : resources) {
            if (resource instanceof Drainable drainable) {
                drainable.draining(callsEnd);
            }
        }
        http.stop(DRAIN_SECONDS);
        if (admin != null) {
            admin.close();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                Log.error("closing a resource failed", e);
            }
        }
        Log.info("stopped");
        Log.flush();
    }

    /** Stops as {@link #stop()} does: a server may be another server's resource. */
    @Override
    public void close() {
        stop();
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
