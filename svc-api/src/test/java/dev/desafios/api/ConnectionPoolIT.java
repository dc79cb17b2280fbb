package dev.desafios.api;

import dev.desafios.common.ConnectionPool;
import dev.desafios.common.Metrics;
import dev.desafios.common.PoolMetrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JDBC pool with real PostgreSQL connections (see {@link TestStores} for the variables). */
class ConnectionPoolIT {
    private static TestStores stores;
    private ConnectionPool pool;

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    private ConnectionPool pool(int size, Duration borrowTimeout) {
        return pool(size, borrowTimeout, StorePools.VALIDATE_AFTER_IDLE);
    }

    private ConnectionPool pool(int size, Duration borrowTimeout, Duration validateAfterIdle) {
        pool = new ConnectionPool(stores::connect, size, borrowTimeout, validateAfterIdle);
        return pool;
    }

    @Test
    void withConnection_sequentialCalls_reuseOneConnection() throws Exception {
        ConnectionPool pool = pool(4, Duration.ofSeconds(2));

        int first = pool.withConnection(ConnectionPoolIT::backendPid);
        int second = pool.withConnection(ConnectionPoolIT::backendPid);

        assertEquals(first, second);
    }

    @Test
    void metrics_aBorrowerThatWaitsOutTheTimeout_countedWithEveryWait() throws Exception {
        ConnectionPool pool = pool(1, Duration.ofMillis(200));
        var metrics = new Metrics();
        PoolMetrics.in(metrics).watch("test", pool);
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> pool.withConnection(connection -> {
                held.countDown();
                awaitQuietly(release);
                return null;
            }));
            held.await();
            String whileHeld = metrics.text();
            assertThrows(SQLTransientConnectionException.class, () -> pool.withConnection(ConnectionPoolIT::backendPid));
            release.countDown();

            assertTrue(whileHeld.contains("db_pool_connections{pool=\"test\",state=\"busy\"} 1\n"), whileHeld);
        }
        String text = metrics.text();
        assertTrue(text.contains("db_pool_timeouts_total{pool=\"test\"} 1\n"), text);
        assertTrue(text.contains("db_pool_wait_seconds_count{pool=\"test\"} 2\n"), text);
        assertTrue(text.contains("db_pool_connections{pool=\"test\",state=\"idle\"} 1\n"), text);
    }

    @Test
    void warm_opensConnectionsThatRequestsThenUse() throws Exception {
        var opens = new AtomicInteger();
        pool = new ConnectionPool(() -> {
            opens.incrementAndGet();
            return stores.connect();
        }, 4, Duration.ofSeconds(2), StorePools.VALIDATE_AFTER_IDLE);

        assertEquals(4, pool.warm(6), "at most the pool's size");
        var pids = ConcurrentHashMap.<Integer>newKeySet();
        var inside = new CountDownLatch(4);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                threads.submit(() -> pool.withConnection(connection -> {
                    pids.add(backendPid(connection));
                    inside.countDown();
                    awaitQuietly(inside);
                    return null;
                }));
            }
        }

        assertEquals(4, pids.size(), "four requests at once on four connections");
        assertEquals(4, opens.get(), "every one opened by warm, none by the requests");
    }

    @Test
    void withConnection_exhausted_timesOutThenServesWhenFreed() throws Exception {
        ConnectionPool pool = pool(1, Duration.ofMillis(300));
        var borrowed = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> {
            try {
                pool.withConnection(connection -> {
                    borrowed.countDown();
                    awaitQuietly(release);
                    return null;
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        borrowed.await();

        long start = System.nanoTime();
        var e = assertThrows(SQLTransientConnectionException.class, () -> pool.withConnection(c -> 1));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(waited.toMillis() >= 250 && waited.toMillis() < 2000, "waited " + waited);
        assertTrue(ConnectionPool.isConnectionLevel(e), e.getSQLState());
        release.countDown();
        holder.join();
        assertEquals(1, (int) pool.withConnection(c -> 1));
    }

    @Test
    void withConnection_connectionKilledBeforeItsCheck_errorThenANewConnection() throws Exception {
        // Never checked on borrow here, so the broken connection is used and must be discarded.
        ConnectionPool pool = pool(1, Duration.ofSeconds(2), Duration.ofMinutes(10));
        int pid = pool.withConnection(ConnectionPoolIT::backendPid);
        terminate(pid);

        var e = assertThrows(SQLException.class, () -> pool.withConnection(ConnectionPoolIT::backendPid));

        assertTrue(ConnectionPool.isConnectionLevel(e), e.getSQLState());
        assertNotEquals(pid, (int) pool.withConnection(ConnectionPoolIT::backendPid), "the broken one was discarded");
    }

    @Test
    void withConnection_connectionKilledWhileIdle_validatedAndReplacedQuietly() throws Exception {
        ConnectionPool pool = pool(1, Duration.ofSeconds(2));
        int pid = pool.withConnection(ConnectionPoolIT::backendPid);
        terminate(pid);
        Thread.sleep(StorePools.VALIDATE_AFTER_IDLE.toMillis() + 200);

        int next = pool.withConnection(ConnectionPoolIT::backendPid);

        assertNotEquals(pid, next);
    }

    @Test
    void withConnection_sqlError_connectionKeptAndTransactionRolledBack() throws Exception {
        ConnectionPool pool = pool(1, Duration.ofSeconds(2));
        int pid = pool.withConnection(ConnectionPoolIT::backendPid);

        assertThrows(SQLException.class, () -> pool.withConnection(connection -> {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE pool_it (n int)");
                return statement.execute("SELECT no_such_column FROM pool_it");
            }
        }));
        assertThrows(IllegalStateException.class, () -> pool.withConnection(connection -> {
            connection.setAutoCommit(false);
            throw new IllegalStateException("work failed in a transaction");
        }));

        assertEquals(pid, (int) pool.withConnection(ConnectionPoolIT::backendPid), "same connection");
        assertTrue(pool.withConnection(Connection::getAutoCommit), "back in auto-commit");
        assertEquals(0, (int) pool.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT count(*) FROM pg_class WHERE relname = 'pool_it' AND relpersistence = 't'")) {
                rows.next();
                return rows.getInt(1);
            }
        }), "the failed transaction was rolled back");
    }

    @Test
    void withConnection_manyCallers_neverMoreThanMaxConnections() throws Exception {
        ConnectionPool pool = pool(3, Duration.ofSeconds(5));
        var pids = ConcurrentHashMap.<Integer>newKeySet();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                callers.submit(() -> pool.withConnection(connection -> {
                    pids.add(backendPid(connection));
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT pg_sleep(0.02)");
                    }
                    return null;
                }));
            }
        }

        assertTrue(pids.size() <= 3, "connections used: " + pids.size());
    }

    @Test
    void close_closesIdleConnectionsAndRefusesNewWork() throws Exception {
        ConnectionPool pool = pool(2, Duration.ofSeconds(2));
        int pid = pool.withConnection(ConnectionPoolIT::backendPid);

        pool.close();

        assertThrows(SQLException.class, () -> pool.withConnection(c -> 1));
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (backendAlive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(backendAlive(pid), "backend " + pid + " is gone");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void databaseUnreachable_nextBorrowsAnsweredAtOnce_oneTryASecond_thenServesAgain() throws Exception {
        // A port where nothing listens stands for a database that is down: the real driver is refused.
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var url = new java.util.concurrent.atomic.AtomicReference<>(stores.pgUrlVia("127.0.0.1:" + closedPort));
        var opened = new java.util.concurrent.atomic.AtomicInteger();
        String password = java.nio.file.Files.readString(java.nio.file.Path.of(stores.pgPasswordFile())).strip();
        pool = new ConnectionPool(() -> {
            opened.incrementAndGet();
            return java.sql.DriverManager.getConnection(url.get(), stores.pgUser(), password);
        }, 4, Duration.ofSeconds(2), StorePools.VALIDATE_AFTER_IDLE);

        assertThrows(SQLException.class, () -> pool.withConnection(ConnectionPoolIT::backendPid));
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            SQLException fast = assertThrows(SQLException.class, () -> pool.withConnection(ConnectionPoolIT::backendPid));
            assertTrue(ConnectionPool.isConnectionLevel(fast), fast.toString());
        }

        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(500)) < 0);
        assertEquals(1, opened.get(), "a borrow within the second after the failure tried to connect");
        url.set(stores.pgUrl());
        Thread.sleep(1100);
        assertTrue(pool.withConnection(ConnectionPoolIT::backendPid) > 0);
        assertTrue(pool.withConnection(ConnectionPoolIT::backendPid) > 0);
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static void terminate(int pid) throws SQLException {
        stores.execute("SELECT pg_terminate_backend(" + pid + ")");
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (backendAlive(pid) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static boolean backendAlive(int pid) throws SQLException {
        try (Connection connection = stores.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            row.next();
            return row.getInt(1) > 0;
        }
    }
}
