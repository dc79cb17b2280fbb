package dev.desafios.api;

import dev.desafios.common.testing.TcpProxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Problem;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    void record_whileEveryReadConnectionIsHeld_isWrittenAndHealthAnswers() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        int readers = 2;
        try (var small = PostgresRedisVisitStore.open(stores.settings(Map.of("DB_POOL_SIZE", Integer.toString(readers))));
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var holding = new java.util.concurrent.CountDownLatch(readers + StorePools.REDIS_READ_CONNECTIONS);
            for (int i = 0; i < readers; i++) {
                threads.submit(() -> small.readConnections().postgres().withConnection(connection -> {
                    holding.countDown();
                    return awaitQuietly(release);
                }));
            }
            for (int i = 0; i < StorePools.REDIS_READ_CONNECTIONS; i++) {
                threads.submit(() -> {
                    try (var jedis = small.readConnections().redis().getResource()) {
                        holding.countDown();
                        return release.await(30, TimeUnit.SECONDS);
                    }
                });
            }
            try {
                assertEquals(true, holding.await(10, TimeUnit.SECONDS), "every read connection is held");
                long rows = stores.rows();
                long counter = stores.counter();

                JsonObject added = small.record(access("it-reads-all-busy"));

                assertEquals(counter + 1, added.getLong("visits", -1));
                assertEquals(rows + 1, stores.rows());
                assertEquals(true, small.postgresUp() && small.redisUp(), "the health checks have their own connections");
                Problem starved = assertThrows(Problem.class, small::summary, "the reads are truly out of connections");
                assertEquals(503, starved.status());
            } finally {
                release.countDown();
            }
            assertEquals(stores.rows(), small.summary().getLong("accesses", -1), "and read again once released");
        }
    }

    @Test
    void record_redisRefused_503ThenTheStoredRowIsCountedOnceRedisIsBack() throws Exception {
        var proxy = new TcpProxy(stores.redisHost(), stores.redisPort());
        var viaProxy = PostgresRedisVisitStore.open(
                stores.settings(Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port())));
        try (proxy; viaProxy) {
            long rows = stores.rows();
            long counter = stores.counter();
            proxy.refuse();

            Problem problem = assertThrows(Problem.class, () -> viaProxy.record(access("it-redis-refused")));
            assertEquals(503, problem.status());
            assertEquals("redis is unavailable", problem.getMessage());
            assertEquals(rows + 1, stores.rows(), "the row was committed before the count");
            assertEquals(counter, stores.counter(), "and is owed while Redis is away");
            assertEquals(503, assertThrows(Problem.class, () -> viaProxy.record(access("it-redis-still-refused"))).status());
            assertEquals(rows + 1, stores.rows(), "nothing more is written until the count is settled");

            proxy.forward();
            assertCountsAgree(rows, counter, 1);
            viaProxy.record(access("it-redis-back"));
            assertCountsAgree(rows, counter, 2);
        }
    }

    @Test
    void record_redisReplyLostAfterTheIncrement_503AndCountedOnce() throws Exception {
        var proxy = new TcpProxy(stores.redisHost(), stores.redisPort());
        var viaProxy = PostgresRedisVisitStore.open(
                stores.settings(Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port())));
        try (proxy; viaProxy) {
            viaProxy.record(access("it-warm"));
            long rows = stores.rows();
            long counter = stores.counter();
            // The increment (the script names INCRBY) reaches Redis and is applied; its answer never comes back.
            proxy.cutReplyTo("INCRBY");

            Problem problem = assertThrows(Problem.class, () -> viaProxy.record(access("it-redis-reply-lost")));

            assertEquals("redis is unavailable", problem.getMessage());
            assertCountsAgree(rows, counter, 1);
            viaProxy.record(access("it-after-reply-lost"));
            assertCountsAgree(rows, counter, 2);
        }
    }

    @Test
    void record_databaseReplyLostAfterTheCommit_503AndTheRowCountedOnce() throws Exception {
        String[] hostPort = stores.pgHostPort().split(":");
        var proxy = new TcpProxy(hostPort[0], Integer.parseInt(hostPort[1]));
        var viaProxy = PostgresRedisVisitStore.open(
                stores.settings(Map.of("DB_URL", stores.pgUrlVia("127.0.0.1:" + proxy.port()))));
        try (proxy; viaProxy) {
            viaProxy.record(access("it-warm"));
            long rows = stores.rows();
            long counter = stores.counter();
            // The insert (it carries the request id) reaches the database and commits; the
            // connection is lost before its answer (08006).
            proxy.cutReplyTo("it-db-reply-lost");

            Problem problem = assertThrows(Problem.class, () -> viaProxy.record(access("it-db-reply-lost")));

            assertEquals("postgres is unavailable", problem.getMessage());
            assertCountsAgree(rows, counter, 1);
            viaProxy.record(access("it-after-db-reply-lost"));
            assertCountsAgree(rows, counter, 2);
        }
    }

    @Test
    void record_insertStillWaitingWhenTheClientTimesOut_itsSessionIsEndedAndNothingCommitsLater() throws Exception {
        var impatient = PostgresRedisVisitStore.open(
                stores.settings(Map.of("DB_URL", stores.pgUrl() + "?socketTimeout=1")));
        try (impatient; var lock = stores.connect()) {
            impatient.record(access("it-warm"));
            long rows = stores.rows();
            long counter = stores.counter();
            lockAccesses(lock);

            // The insert waits for the lock; the client gives up after its socket timeout (an I/O error).
            Problem problem = assertThrows(Problem.class, () -> impatient.record(access("it-timed-out")));
            assertEquals("postgres is unavailable", problem.getMessage());
            assertEquals(0, waitUntilNoSessionWaitsForALock(Duration.ofSeconds(5)), "the settle ended the session");
            lock.rollback();

            assertCountsAgree(rows, counter, 0);
            impatient.record(access("it-after-timeout"));
            assertCountsAgree(rows, counter, 1);
        }
    }

    @Test
    void record_sessionEndedByTheServerDuringTheInsert_503AndNothingWritten() throws Exception {
        try (var lock = stores.connect(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            store.record(access("it-warm"));
            long rows = stores.rows();
            long counter = stores.counter();
            lockAccesses(lock);
            var recorded = threads.submit(() -> store.record(access("it-terminated")));
            waitForASessionWaitingForALock(Duration.ofSeconds(5));

            // What a database shutting down does to its sessions (57P01).
            stores.execute("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name LIKE 'svc-api/%' AND wait_event_type = 'Lock'""");
            var failure = assertThrows(ExecutionException.class, () -> recorded.get(5, TimeUnit.SECONDS));
            lock.rollback();

            assertEquals("postgres is unavailable", failure.getCause().getMessage());
            assertCountsAgree(rows, counter, 0);
            store.record(access("it-after-terminate"));
            assertCountsAgree(rows, counter, 1);
        }
    }

    @Test
    void open_rowsLeftUncountedByAStoppedWriter_countedAtStart() throws Exception {
        store.record(access("it-warm"));
        long rows = stores.rows();
        long counter = stores.counter();
        // As if a writer had committed rows and stopped before counting them.
        stores.execute("INSERT INTO accesses (path, client, user_agent, request_id) VALUES "
                + "('/', '127.0.0.1', 'it', 'it-left-1'), ('/', '127.0.0.1', 'it', 'it-left-2')");

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            assertEquals(counter + 3, next.record(access("it-next")).getLong("visits", -1));
        }
        assertCountsAgree(rows, counter, 3);
    }

    @Test
    void open_noCounterAndNoMark_theCounterStartsFromTheRows() throws Exception {
        store.record(access("it-warm"));
        try (var jedis = stores.jedis()) {
            jedis.del(VisitCounter.COUNTER_KEY, VisitCounter.MARK_KEY);
        }

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            next.record(access("it-counted-from-rows"));
        }

        assertEquals(stores.rows(), stores.counter());
    }

    @Test
    void record_twoApisWritingAtOnce_counterAndRowsMoveTogether() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();
        int each = 150;
        var answered = new java.util.concurrent.atomic.AtomicInteger();

        try (var other = PostgresRedisVisitStore.open(stores.settings(Map.of()));
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < each; i++) {
                int n = i;
                threads.submit(() -> {
                    store.record(access("it-first-" + n));
                    answered.incrementAndGet();
                });
                threads.submit(() -> {
                    other.record(access("it-second-" + n));
                    answered.incrementAndGet();
                });
            }
        }

        assertEquals(2 * each, answered.get(), "every access answered 2xx");
        assertCountsAgree(rows, counter, 2 * each);
    }

    @Test
    void record_afterTheTableWasMadeAnew_itsRowsAreCounted() throws Exception {
        store.record(access("it-before-the-new-table"));
        stores.execute("DROP TABLE accesses");
        long counter = stores.counter();

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            next.record(access("it-new-table-1"));
            next.record(access("it-new-table-2"));
        }

        assertEquals(2, stores.rows());
        assertEquals(counter + 2, stores.counter(), "the mark of the old table does not hide the new rows");
        assertEquals(2, store.summary().getLong("accesses", -1), "the new table is counted from its own rows");
    }

    private static boolean awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static VisitStore.Access access(String requestId) {
        return new VisitStore.Access("/", "127.0.0.1", "it", requestId);
    }

    /** Waits (up to 5 s) for the counter to move as the rows did, by {@code delta} since the counts given. */
    private static void assertCountsAgree(long rows, long counter, long delta) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stores.counter() - counter != stores.rows() - rows && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(delta, stores.rows() - rows, "rows delta");
        assertEquals(delta, stores.counter() - counter, "counter delta");
    }

    /** Takes a lock that makes every insert wait, held until the connection rolls back. */
    private static void lockAccesses(java.sql.Connection connection) throws Exception {
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            statement.execute("LOCK TABLE accesses IN EXCLUSIVE MODE");
        }
    }

    private static long sessionsWaitingForALock() throws Exception {
        try (var connection = stores.connect(); var statement = connection.createStatement();
             var count = statement.executeQuery("""
                     SELECT count(*) FROM pg_stat_activity
                     WHERE application_name LIKE 'svc-api/%' AND wait_event_type = 'Lock'""")) {
            count.next();
            return count.getLong(1);
        }
    }

    private static void waitForASessionWaitingForALock(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (sessionsWaitingForALock() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no insert of svc-api waits for the lock");
            }
            Thread.sleep(20);
        }
    }

    private static long waitUntilNoSessionWaitsForALock(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        long waiting;
        while ((waiting = sessionsWaitingForALock()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return waiting;
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
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT request_id FROM accesses WHERE id = ?")) {
            for (var answer : answers.entrySet()) {
                visits.add(answer.getValue().getLong("visits", -1));
                select.setLong(1, answer.getValue().getLong("accessId", -1));
                try (var row = select.executeQuery()) {
                    row.next();
                    assertEquals(answer.getKey(), row.getString(1), "each access id names the row of its own request");
                }
            }
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
