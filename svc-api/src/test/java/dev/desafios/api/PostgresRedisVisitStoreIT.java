package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Problem;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store alone, against the real servers named by the environment (see {@link TestStores}). */
class PostgresRedisVisitStoreIT {
    private static TestStores stores;
    private PostgresRedisVisitStore store;

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
    }

    @BeforeEach
    void open() {
        store = PostgresRedisVisitStore.open(stores.settings(Map.of()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void record_oneAccess_oneRowAndOneIncrement() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();

        JsonObject added = store.record(new VisitStore.Access("/", "10.0.0.7", "curl/8", "req-1"));

        assertEquals(counter + 1, added.getLong("visits", -1));
        assertEquals(rows + 1, stores.rows());
        assertEquals(counter + 1, stores.counter());
        assertEquals("10.0.0.7", stored(added.getLong("accessId", -1), "client"));
    }

    @Test
    void record_hostileText_storedAsDataWithNulRemovedAndCut() throws Exception {
        String injection = "'; DROP TABLE accesses; --";
        String huge = "x".repeat(10 * 1024);
        String loneSurrogates = "\uD800 half \uDFFF";
        String controls = "\u0001\u0002\t\r\n\u001b\u007f";

        long id1 = record(injection, "a\u0000b", injection);
        long id2 = record(huge, huge, huge);
        long id3 = record(loneSurrogates, controls, "\u0000\u0000");
        long id4 = record("/", "\uD83D\uDE00".repeat(2000), "emoji");

        assertEquals(injection, stored(id1, "path"));
        assertEquals("ab", stored(id1, "user_agent"));
        assertEquals(injection, stored(id1, "request_id"));
        assertEquals(2048, stored(id2, "user_agent").length());
        assertEquals(2048, stored(id2, "path").length());
        assertEquals(controls, stored(id3, "user_agent"));
        assertEquals("", stored(id3, "request_id"));
        assertEquals(" half ".length() + 2, stored(id3, "path").length());
        assertEquals("\uD83D\uDE00".repeat(1024), stored(id4, "user_agent"), "never cut inside a character");
        assertEquals(stores.rows(), store.summary().getLong("accesses", -1), "the table is still there");
    }

    @Test
    void record_redisUnreachable_503NamingRedisAndNoRowLeft() throws Exception {
        var proxy = new TcpProxy(stores.redisHost(), stores.redisPort());
        var viaProxy = PostgresRedisVisitStore.open(
                stores.settings(Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port())));
        try (proxy; viaProxy) {
            long rows = stores.rows();
            proxy.refuse();

            Problem problem = assertThrows(Problem.class,
                    () -> viaProxy.record(new VisitStore.Access("/", "127.0.0.1", "it", "it-rollback")));

            assertEquals(503, problem.status());
            assertEquals("redis is unavailable", problem.getMessage());
            assertEquals(rows, stores.rows(), "the insert was rolled back");
        }
    }

    @Test
    void record_databaseRestartsBeforeTheCommit_rowRolledBackAndCountTakenBack() throws Exception {
        var proxy = new TcpProxy(stores.redisHost(), stores.redisPort());
        var viaSlowCache = PostgresRedisVisitStore.open(
                stores.settings(Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port())));
        try (proxy; viaSlowCache) {
            viaSlowCache.record(new VisitStore.Access("/", "127.0.0.1", "it", "it-warm"));
            long rows = stores.rows();
            long counter = stores.counter();
            proxy.delay(Duration.ofMillis(700));
            // While the INCR is on its slow way, the session ends as in a restart (57P01).
            Thread killer = Thread.ofVirtual().start(PostgresRedisVisitStoreIT::terminateTheOpenTransaction);

            Problem problem = assertThrows(Problem.class,
                    () -> viaSlowCache.record(new VisitStore.Access("/", "127.0.0.1", "it", "it-killed")));
            killer.join();

            assertEquals("postgres is unavailable", problem.getMessage());
            assertEquals(rows, stores.rows(), "the row was rolled back");
            assertEquals(counter, stores.counter(), "and its count taken back");
        }
    }

    /** Ends the API's session that sits in an open transaction, within 3 s. */
    private static void terminateTheOpenTransaction() {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try (var connection = stores.connect(); var statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (var row = statement.executeQuery("""
                        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE application_name = 'svc-api' AND state = 'idle in transaction'""")) {
                    row.next();
                    if (row.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no open transaction of svc-api to end");
    }

    @Test
    void summary_emptyCounter_zero() throws Exception {
        try (var jedis = stores.jedis()) {
            jedis.del(PostgresRedisVisitStore.COUNTER_KEY);
        }

        assertEquals(0, store.summary().getLong("visits", -1));
        assertEquals(1, store.record(new VisitStore.Access("/", "127.0.0.1", "it", "it-zero")).getLong("visits", -1));
    }

    private long record(String path, String userAgent, String requestId) {
        return store.record(new VisitStore.Access(path, "127.0.0.1", userAgent, requestId)).getLong("accessId", -1);
    }

    @Test
    void record_concurrentAccesses_eachGetsItsOwnRowAndVisitNumber() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();
        int accesses = 200;
        var answers = new ConcurrentHashMap<String, JsonObject>();

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < accesses; i++) {
                String requestId = "it-concurrent-" + i;
                threads.submit(() -> answers.put(requestId,
                        store.record(new VisitStore.Access("/", "10.0.0.8", "it", requestId))));
            }
        }

        assertEquals(accesses, answers.size(), "every access answered");
        assertEquals(rows + accesses, stores.rows());
        assertEquals(counter + accesses, stores.counter());
        var visits = new HashSet<Long>();
        for (var answer : answers.entrySet()) {
            visits.add(answer.getValue().getLong("visits", -1));
            assertEquals(answer.getKey(), stored(answer.getValue().getLong("accessId", -1), "request_id"),
                    "each access id names the row of its own request");
        }
        assertEquals(LongStream.rangeClosed(counter + 1, counter + accesses).boxed().collect(Collectors.toSet()), visits,
                "visit numbers are handed out once each, with no gap");
    }

    private static String stored(long id, String column) throws Exception {
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT " + column + " FROM accesses WHERE id = ?")) {
            select.setLong(1, id);
            try (var row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
