package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL connection pools with a bound on every wait (connect, login, read, borrow), the
 * start-up wait for the database, and what a failed call becomes: the same for every service
 * that keeps its data in PostgreSQL. JDBC interfaces only: each service passes its own driver.
 */
public final class DatabasePools {
    /** How long a request waits for a free connection before it gets a 503. */
    public static final Duration BORROW_TIMEOUT = Duration.ofSeconds(2);
    /**
     * A pooled connection idle for longer than this is checked (a round trip) before use. A
     * {@code docker restart} of a database takes longer, so a connection it broke is always
     * checked and replaced rather than failing a request; under load connections are reused
     * sooner and go unchecked.
     */
    public static final Duration VALIDATE_AFTER_IDLE = Duration.ofMillis(200);
    /** How long a {@code /health} check waits for the database: inside every health probe's timeout. */
    public static final Duration HEALTH_WAIT = Duration.ofMillis(1500);
    /** SQLState of a full disk (PostgreSQL's disk_full). */
    static final String DISK_FULL = "53100";

    private DatabasePools() {
    }

    /**
     * A name shared by the sessions of one service instance ({@code service/random/}), so that
     * each instance's sessions can be told apart in {@code pg_stat_activity}.
     */
    public static String storeName(String service) {
        return service + "/" + Long.toHexString(new SecureRandom().nextLong() >>> 16) + "/";
    }

    /**
     * A pool of at most {@code size} connections through the driver, each session named
     * {@code name} and a number. Settings in {@code DB_URL} win over these defaults, which bound
     * every wait in seconds.
     */
    public static ConnectionPool open(DatabaseSettings settings, Driver driver, String name, int size) {
        var properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("connectTimeout", "2");
        // The whole attempt, name lookup included: on an --internal network the lookup of a
        // stopped database's name can go unanswered, and a request must still get its 503
        // within the gateway's upstream deadline.
        properties.setProperty("loginTimeout", "2");
        properties.setProperty("socketTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true");
        var opened = new AtomicLong();
        return new ConnectionPool(() -> {
            // Each connection has a name of its own, so that one session can be found and ended.
            var named = new Properties();
            named.putAll(properties);
            named.setProperty("ApplicationName", name + opened.incrementAndGet());
            Connection connection = driver.connect(settings.url(), named);
            if (connection == null) {
                throw new SQLNonTransientConnectionException("DB_URL is not a PostgreSQL URL", "08001");
            }
            return connection;
        }, size, BORROW_TIMEOUT, VALIDATE_AFTER_IDLE);
    }

    /**
     * Runs the start-up work (the schema) once the database answers, trying every second until the
     * wait is over; a refused login ends the wait at once, since waiting cannot fix a wrong password.
     */
    public static <T> T awaitReady(ConnectionPool pool, Duration wait, ConnectionPool.Work<T> work) {
        var waiting = new StartupWait(wait, "postgres");
        while (true) {
            try {
                return pool.withConnection(work);
            } catch (SQLException e) {
                waiting.failed("postgres", "DB_USER and DB_PASSWORD_FILE", isLoginRefused(e), e);
            }
        }
    }

    /** A wrong password or a user without access (SQLState class 28), however wrapped. */
    public static boolean isLoginRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a failed call to the database becomes: 507 when its disk is full, else 503 naming only
     * the store (the cause goes to the log, never to the client).
     */
    public static Problem failed(String store, SQLException cause) {
        Log.warn(store + " call failed", new JsonObject().add("error", describe(cause)));
        if (DISK_FULL.equals(cause.getSQLState())) {
            return Problem.insufficientStorage(store + " is full: nothing more can be stored now");
        }
        return Problem.unavailable(store + " is unavailable");
    }

    /**
     * True when one short round trip succeeds within {@link #HEALTH_WAIT}: a {@code /health}
     * check. A database that cannot be reached is DOWN at the deadline, not when the attempt to
     * reach it gives up (it goes on, bounded by its own timeouts, on a thread of its own).
     */
    public static boolean answers(ConnectionPool pool) {
        var answer = new CompletableFuture<Boolean>();
        Thread.ofVirtual().name("postgres-health").start(() -> {
            try {
                answer.complete(pool.withConnection(connection -> connection.isValid(1)));
            } catch (SQLException | RuntimeException e) {
                answer.complete(false);
            }
        });
        try {
            return answer.get(HEALTH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exception and, when it wraps one, its root cause. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e + " <- " + root;
    }
}
