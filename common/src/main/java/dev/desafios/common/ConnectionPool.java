package dev.desafios.common;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small bounded JDBC pool (PostgreSQL's driver has none). At most {@code maxSize} connections;
 * a borrower waits at most the borrow timeout; a connection idle for longer than the validation
 * interval is checked before use (so that connections broken by a database restart are dropped
 * quietly); a connection whose work failed at the connection level is closed, never reused.
 * When a connect is refused or the database's name is gone (it is down), borrowers are
 * answered at once for the next second instead of each waiting out a connect of its own, and
 * then one at a time tries again until one succeeds: a service whose database is gone answers
 * its 503 at once, within any caller's deadline, and holds no connect per request.
 * Locks rather than {@code synchronized}, for virtual threads. JDBC interfaces only: the service
 * that opens connections brings its driver ({@link DatabasePools}).
 */
public final class ConnectionPool implements AutoCloseable {

    /** Opens a new connection. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /** Work done with a borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Told how long each borrower waited for a connection, and whether it waited in vain. */
    @FunctionalInterface
    public interface WaitObserver {
        void waited(double seconds, boolean timedOut);
    }

    private record Idle(Connection connection, long sinceNanos) {
    }

    private static final int VALIDATION_TIMEOUT_SECONDS = 1;
    /** After a connection could not be opened, how long borrowers are answered at once. */
    private static final long UNREACHABLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Opener opener;
    private final int maxSize;
    private final Duration borrowTimeout;
    private final long validateAfterIdleNanos;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private volatile boolean closed;
    /** Until when borrowers are answered at once (System.nanoTime), 0 while the database is reachable. */
    private volatile long unreachableUntil;
    private final AtomicBoolean retrying = new AtomicBoolean();
    private volatile WaitObserver waits = (seconds, timedOut) -> { };

    /**
     * At most {@code maxSize} connections from the opener; a borrower waits at most
     * {@code borrowTimeout}; one idle for longer than {@code validateAfterIdle} is checked first.
     */
    public ConnectionPool(Opener opener, int maxSize, Duration borrowTimeout, Duration validateAfterIdle) {
        this.opener = opener;
        this.maxSize = maxSize;
        this.borrowTimeout = borrowTimeout;
        this.validateAfterIdleNanos = validateAfterIdle.toNanos();
        this.permits = new Semaphore(maxSize, true);
    }

    /** Runs the work on a pooled connection, which goes back clean (auto-commit, no open transaction). */
    public <T> T withConnection(Work<T> work) throws SQLException {
        long until = unreachableUntil;
        if (until != 0 && System.nanoTime() - until < 0) {
            throw unreachable();
        }
        acquirePermit();
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = borrow();
            T result = work.apply(connection);
            reusable = true;
            return result;
        } catch (SQLException e) {
            reusable = !isConnectionLevel(e);
            throw e;
        } catch (RuntimeException | Error e) {
            reusable = true;
            throw e;
        } finally {
            if (connection != null) {
                giveBack(connection, reusable);
            }
            permits.release();
        }
    }

    /**
     * Opens up to {@code count} connections now (at most the pool's size) and keeps them idle, so
     * that a replica that has just started does not make its first requests each wait for a
     * connect and its authentication, the costliest step on a machine short of CPU. Stops at the
     * first failure; returns how many it opened.
     */
    public int warm(int count) {
        int opened = 0;
        while (opened < Math.min(count, maxSize) && !closed) {
            try {
                giveBack(opener.open(), true);
            } catch (SQLException e) {
                break;
            }
            opened++;
        }
        return opened;
    }

    /** SQLState class 08 (connection exception) or 57P01-57P03 (the server shut down or cannot connect now). */
    public static boolean isConnectionLevel(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.matches("57P0[123]");
    }

    /** From now on, each borrower's wait for a connection is told to {@code observer} ({@link PoolMetrics}). */
    public void observeWaits(WaitObserver observer) {
        this.waits = observer;
    }

    /** Connections borrowed now. */
    public int inUse() {
        return maxSize - permits.availablePermits();
    }

    /** Open connections waiting to be borrowed. */
    public int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    private void acquirePermit() throws SQLException {
        long started = System.nanoTime();
        try {
            boolean acquired = permits.tryAcquire(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
            waits.waited((System.nanoTime() - started) / 1e9, !acquired);
            if (!acquired) {
                throw new SQLTransientConnectionException(
                        "all " + maxSize + " connections busy for " + borrowTimeout.toMillis() + " ms", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
        }
        if (closed) {
            permits.release();
            throw new SQLTransientConnectionException("the pool is closed", "08003");
        }
    }

    /**
     * The most recently used idle connection (validated when idle for a while), or a new one. When
     * a check fails the older idle connections are dropped too: they have lived through the same
     * restart, and checking each could cost a second apiece.
     */
    private Connection borrow() throws SQLException {
        Idle candidate;
        lock.lock();
        try {
            candidate = idle.pollLast();
        } finally {
            lock.unlock();
        }
        if (candidate == null) {
            return open();
        }
        boolean stale = System.nanoTime() - candidate.sinceNanos > validateAfterIdleNanos;
        if (!stale || candidate.connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
            return candidate.connection;
        }
        closeQuietly(candidate.connection);
        closeIdle();
        return open();
    }

    /**
     * A new connection. After one could not be opened, one borrower at a time tries again (the
     * others are answered at once); one that fails at the connection level starts the wait anew.
     */
    private Connection open() throws SQLException {
        boolean retry = unreachableUntil != 0;
        if (retry && !retrying.compareAndSet(false, true)) {
            throw unreachable();
        }
        try {
            Connection connection = opener.open();
            unreachableUntil = 0;
            return connection;
        } catch (SQLException e) {
            if (isRefusedOrGone(e)) {
                unreachableUntil = (System.nanoTime() + UNREACHABLE_NANOS) | 1;
            }
            throw e;
        } finally {
            if (retry) {
                retrying.set(false);
            }
        }
    }

    /**
     * Whether the kernel or the name service said the database is not there (refused, unreachable,
     * no such name): a connect that timed out may be this service starved of CPU, and is no
     * evidence against the database.
     */
    static boolean isRefusedOrGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static SQLException unreachable() {
        return new SQLTransientConnectionException(
                "the database could not be reached a moment ago; it is tried again at most once a second", "08001");
    }

    private void giveBack(Connection connection, boolean reusable) {
        try {
            if (reusable && !closed && !connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            reusable = false;
        }
        if (reusable) {
            lock.lock();
            try {
                if (!closed && !connection.isClosed() && idle.size() < maxSize) {
                    idle.addLast(new Idle(connection, System.nanoTime()));
                    return;
                }
            } catch (SQLException e) {
                // closed below
            } finally {
                lock.unlock();
            }
        }
        closeQuietly(connection);
    }

    /** Closes the idle connections now and borrowed ones as they come back. */
    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        List<Idle> toClose;
        lock.lock();
        try {
            toClose = List.copyOf(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(entry -> closeQuietly(entry.connection));
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // already broken: nothing more to release
        }
    }
}
