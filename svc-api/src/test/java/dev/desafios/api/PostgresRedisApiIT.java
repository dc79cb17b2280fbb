package dev.desafios.api;

import dev.desafios.common.testing.TcpProxy;
import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.Json;
import dev.desafios.common.Server;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Challenge 3 through HTTP, against the real PostgreSQL and Redis named by the environment
 * (see {@link TestStores} for the variables); faults come from a {@link TcpProxy} in front of them.
 */
class PostgresRedisApiIT {
    private static TestStores stores;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private Server lastServer;

    private TestHttp start(Map<String, String> overrides) {
        Server server = ApiService.start(TestServer.freePorts(stores.apiEnv(overrides)));
        lastServer = server;
        var http = new TestHttp(server.port());
        // The server stops before its client closes: a client closing a kept-alive connection
        // just as the JDK's server stops makes the stop wait its whole drain time.
        toClose.add(http);
        toClose.add(server::stop);
        return http;
    }

    private TcpProxy proxy(String host, int port) {
        var proxy = new TcpProxy(host, port);
        toClose.add(proxy);
        return proxy;
    }

    @Test
    void start_twiceOnTheSameDatabase_createsTheTableOnceAndKeepsItsRows() throws Exception {
        stores.execute("DROP TABLE IF EXISTS accesses");

        TestHttp first = start(Map.of());
        json(first.get("/"), 200);
        TestHttp second = start(Map.of());
        json(second.get("/"), 200);

        assertEquals(2, stores.rows());
        assertEquals(2, json(second.get("/visits"), 200).getLong("accesses", -1));
    }

    @Test
    void hello_nConcurrentCalls_rowsAndCounterMoveByExactlyN() throws Exception {
        TestHttp http = start(Map.of());
        long rowsBefore = stores.rows();
        long counterBefore = stores.counter();
        int calls = 40;

        var visits = new HashSet<Long>();
        var ids = new HashSet<Long>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < calls; i++) {
                answers.add(pool.submit(() -> http.get("/")));
            }
            for (var answer : answers) {
                JsonObject body = json(answer.get(), 200);
                visits.add(body.getLong("visits", -1));
                ids.add(body.getLong("accessId", -1));
                assertEquals(Set.of("message", "hostname", "time", "visits", "accessId"), Set.copyOf(body.names()));
            }
        }

        assertEquals(rowsBefore + calls, stores.rows());
        assertEquals(counterBefore + calls, stores.counter());
        assertEquals(calls, visits.size(), "every answer has its own count");
        assertEquals(calls, ids.size(), "every answer has its own row");
        assertTrue(visits.stream().allMatch(v -> v > counterBefore && v <= counterBefore + calls), visits.toString());
    }

    @Test
    void metrics_batchSizesAddUpToTheAccesses_andEveryPoolIsCounted() throws Exception {
        TestHttp http = start(Map.of());
        int calls = 30;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < calls; i++) {
                answers.add(pool.submit(() -> http.get("/")));
            }
            for (var answer : answers) {
                json(answer.get(), 200);
            }
        }

        String metrics = new TestHttp(lastServer.adminPort()).get("/metrics").body();

        // Every access is in exactly one batch: the sizes' sum is the number of accesses.
        assertTrue(metrics.contains("\nvisits_write_batch_size_sum " + calls + "\n"), metrics);
        for (String pool : List.of("postgres-reads", "postgres-writer", "postgres-checks", "redis-reads", "redis-writer")) {
            assertTrue(metrics.contains("db_pool_connections{pool=\"" + pool + "\",state=\"busy\"}"), pool + "\n" + metrics);
        }
        assertTrue(metrics.contains("db_pool_wait_seconds_count{pool=\"postgres-writer\"}"), metrics);
    }

    @Test
    void visits_afterTwelveCalls_countsAndTheLastTenNewestFirst() throws Exception {
        TestHttp http = start(Map.of());
        var sent = new ArrayList<String>();
        for (int i = 0; i < 12; i++) {
            String requestId = "it-visits-" + i + "-" + System.nanoTime();
            sent.add(requestId);
            json(http.send(http.request("/").header("X-Request-Id", requestId).header("User-Agent", "agent " + i)),
                    200);
        }
        json(http.get("/health"), 200);

        JsonObject body = json(http.get("/visits"), 200);

        assertEquals(Set.of("visits", "accesses", "recent"), Set.copyOf(body.names()));
        assertEquals(stores.counter(), body.getLong("visits", -1));
        assertEquals(stores.rows(), body.getLong("accesses", -1));
        JsonArray recent = body.get("recent").asArray();
        assertEquals(10, recent.size());
        long previousId = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            JsonObject access = recent.get(i).asObject();
            int call = 11 - i;
            assertEquals(Set.of("id", "at", "path", "client", "userAgent", "requestId"), Set.copyOf(access.names()));
            assertTrue(access.getLong("id", -1) < previousId, "newest first");
            previousId = access.getLong("id", -1);
            assertEquals(sent.get(call), access.getString("requestId", null));
            assertEquals("agent " + call, access.getString("userAgent", null));
            assertEquals("/", access.getString("path", null));
            assertEquals("127.0.0.1", access.getString("client", null));
            Instant at = Instant.parse(access.getString("at", null));
            assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 1, at.toString());
        }
    }

    @Test
    void visitsHealthAndUnknownPaths_neverCount() throws Exception {
        TestHttp http = start(Map.of());
        long rows = stores.rows();
        long counter = stores.counter();

        json(http.get("/visits"), 200);
        json(http.get("/health"), 200);
        problem(http.get("/nope"), 404);

        assertEquals(rows, stores.rows());
        assertEquals(counter, stores.counter());
    }

    @Test
    void health_bothStoresUp_200NamingBoth() {
        TestHttp http = start(Map.of());

        JsonObject body = json(http.get("/health"), 200);

        assertEquals("UP", body.getString("status", null));
        assertEquals(new JsonObject().add("postgres", "UP").add("redis", "UP"), body.get("checks"));
    }

    @Test
    void redis_stoppedThenBack_503NamingRedisThenServesAgainWithRowsAndCounterInStep() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port()));
        json(http.get("/"), 200);
        long rows = stores.rows();
        long counter = stores.counter();

        cache.refuse();
        long start = System.nanoTime();
        JsonObject refused = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("redis is unavailable", refused.getString("detail", null));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered in " + took);
        problem(http.get("/"), 503);
        assertEquals("redis is unavailable", problem(http.get("/visits"), 503).getString("detail", null));
        JsonObject health = json(http.get("/health"), 503);
        assertEquals(new JsonObject().add("postgres", "UP").add("redis", "DOWN"), health.get("checks"));
        assertEquals(rows + 1, stores.rows(), "the first 503's row was committed, and nothing after it");
        assertEquals(counter, stores.counter());

        cache.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(5)).statusCode(), "serves again by itself");
        assertEquals(stores.rows() - rows, stores.counter() - counter, "rows and counter moved together");
    }

    @Test
    void redis_hanging_503NamingRedisWithinTheTimeout() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port()));
        json(http.get("/"), 200);
        long rows = stores.rows();
        long counter = stores.counter();

        cache.hang();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("redis is unavailable", problem.getString("detail", null));
        // At worst a check of the idle connection (2 s) and a new connection's login (2 s) time out.
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "answered in " + took);

        cache.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(8)).statusCode());
        assertEquals(stores.rows() - rows, stores.counter() - counter, "rows and counter moved together");
    }

    @Test
    void postgres_stoppedThenBack_503NamingPostgresThenServesAgain() throws Exception {
        String[] hostPort = stores.pgHostPort().split(":");
        TcpProxy db = proxy(hostPort[0], Integer.parseInt(hostPort[1]));
        TestHttp http = start(Map.of("DB_URL", stores.pgUrlVia("127.0.0.1:" + db.port())));
        json(http.get("/"), 200);
        long counter = stores.counter();

        db.refuse();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("postgres is unavailable", problem.getString("detail", null));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered in " + took);
        assertEquals(counter, stores.counter(), "no count without its row");
        JsonObject health = json(http.get("/health"), 503);
        assertEquals(new JsonObject().add("postgres", "DOWN").add("redis", "UP"), health.get("checks"));

        db.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(5)).statusCode(), "serves again by itself");
        json(http.get("/health"), 200);
    }

    @Test
    void postgres_hanging_503NamingPostgresWithinTheTimeouts() throws Exception {
        String[] hostPort = stores.pgHostPort().split(":");
        TcpProxy db = proxy(hostPort[0], Integer.parseInt(hostPort[1]));
        TestHttp http = start(Map.of("DB_URL", stores.pgUrlVia("127.0.0.1:" + db.port())));
        json(http.get("/"), 200);

        db.hang();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("postgres is unavailable", problem.getString("detail", null));
        // The statement's read times out (5 s), or the idle check (1 s) and a new login (3 s) do.
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "answered in " + took);

        db.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(8)).statusCode());
    }

    @Test
    void hello_hostileUserAgents_storedAsTextNeverRun() throws Exception {
        TestHttp http = start(Map.of());
        // Under the 8 KiB header limit (a longer one is a 431), over the 512 characters stored.
        String sixKb = "A'\";--".repeat(6 * 1024 / 6);
        List<String> agents = List.of(
                "'; DROP TABLE accesses; --",
                "Robert'); DROP TABLE accesses;--",
                "\" OR 1=1 --",
                "\\'; SELECT pg_sleep(10); --",
                "$$; DROP TABLE accesses; $$",
                "%00%27%22",
                sixKb);
        long rows = stores.rows();
        for (String agent : agents) {
            String requestId = "it-hostile-" + System.nanoTime();
            HttpResponse<String> response = http.send(http.request("/")
                    .header("X-Request-Id", requestId).header("User-Agent", agent));
            long id = json(response, 200).getLong("accessId", -1);

            String expected = agent.length() > 512 ? agent.substring(0, 512) : agent;
            assertEquals(expected, stored(id, "user_agent"));
            assertEquals(requestId, stored(id, "request_id"));
        }
        assertEquals(rows + agents.size(), stores.rows(), "the table is still there, one row per call");
    }

    @Test
    void hello_hostileRequestId_replacedNotStored() throws Exception {
        TestHttp http = start(Map.of());

        HttpResponse<String> response = http.send(http.request("/")
                .header("X-Request-Id", "x'; DROP TABLE accesses; --"));
        long id = json(response, 200).getLong("accessId", -1);

        String returned = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertNotEquals("x'; DROP TABLE accesses; --", returned);
        assertEquals(returned, stored(id, "request_id"));
    }

    @Test
    void hello_controlCharactersAndNulInHeaders_storedCleanNeverA5xx() throws Exception {
        Server server = ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of())));
        toClose.add(server::stop);
        long rows = stores.rows();
        int accepted = 0;
        String[] agents = {"a\u0000b", "tab\there", "bell\u0007del\u007f", "esc\u001b[31mred", "latin1 \u00e9\u00ff"};
        for (String agent : agents) {
            String requestId = "it-raw-" + System.nanoTime();
            RawHttp.Answer answer = RawHttp.get(server.port(), "/",
                    "User-Agent: " + agent, "X-Request-Id: " + requestId);
            assertTrue(answer.status() < 500, agent + " -> " + answer.status());
            if (answer.status() == 200) {
                accepted++;
                long id = Json.parse(answer.body()).asObject().getLong("accessId", -1);
                // NUL is removed (PostgreSQL text cannot hold it); the JDK's parser turns a tab into a space.
                assertEquals(agent.replace("\u0000", "").replace('\t', ' '), stored(id, "user_agent"));
            }
        }
        assertEquals(rows + accepted, stores.rows());
        assertTrue(accepted >= agents.length - 1, "at most the NUL header may be refused by the JDK's parser");
    }

    @Test
    void start_databaseUnreachable_givesUpAfterTheWaitNamingPostgres() {
        long start = System.nanoTime();
        var e = assertThrows(IllegalStateException.class,
                () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                        "DB_URL", stores.pgUrlVia("127.0.0.1:1"), "STORES_WAIT", "2s")))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(e.getMessage().startsWith("postgres is still unavailable after"), e.getMessage());
        assertTrue(e.getMessage().contains("STORES_WAIT"), e.getMessage());
        // Tried at 0 s and 1 s; a third try at 2 s would end after the wait.
        assertTrue(e.getMessage().contains("after 2 tries"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(8)) < 0,
                "gave up after " + took);
    }

    @Test
    void start_redisUnreachable_givesUpNamingRedis() {
        var e = assertThrows(IllegalStateException.class,
                () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                        "REDIS_URL", "redis://127.0.0.1:1", "STORES_WAIT", "1s")))));

        assertTrue(e.getMessage().startsWith("redis is still unavailable after"), e.getMessage());
    }

    @Test
    void start_storeComesUpDuringTheWait_starts() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        cache.refuse();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            cache.forward();
        });

        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port(), "STORES_WAIT", "10s"));

        json(http.get("/"), 200);
    }

    @Test
    void start_wrongPasswords_failAtOnceNamingTheFile() throws Exception {
        var wrong = Files.createTempFile("wrong", ".txt");
        Files.writeString(wrong, "not-the-password\n");
        try {
            long start = System.nanoTime();
            var db = assertThrows(IllegalStateException.class,
                    () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                            "DB_PASSWORD_FILE", wrong.toString(), "STORES_WAIT", "20s")))));
            var cache = assertThrows(IllegalStateException.class,
                    () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                            "REDIS_PASSWORD_FILE", wrong.toString(), "STORES_WAIT", "20s")))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(db.getMessage().startsWith("postgres refused the login: check DB_USER and DB_PASSWORD_FILE"),
                    db.getMessage());
            assertTrue(cache.getMessage().startsWith("redis refused the login: check REDIS_PASSWORD_FILE"),
                    cache.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "no waiting on a wrong password: " + took);
            assertFalse(db.getMessage().contains("not-the-password"), db.getMessage());
            assertFalse(cache.getMessage().contains("not-the-password"), cache.getMessage());
        } finally {
            Files.delete(wrong);
        }
    }

    /** The status of the first call that is not a 503, trying every 200 ms within the time given. */
    private static String stored(long id, String column) throws Exception {
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT " + column + " FROM accesses WHERE id = ?")) {
            select.setLong(1, id);
            try (var row = select.executeQuery()) {
                assertTrue(row.next(), "row " + id + " exists");
                return row.getString(1);
            }
        }
    }
}
