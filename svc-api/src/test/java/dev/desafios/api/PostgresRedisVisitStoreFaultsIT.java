package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.desafios.common.Problem;
import dev.desafios.common.testing.TcpProxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store when a server fails mid-write (refused, a reply lost after the work was done, a
 * session timed out or ended): a 503, and each stored row counted once when the server is back.
 */
class PostgresRedisVisitStoreFaultsIT extends PostgresRedisVisitStoreFixture {
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
}
