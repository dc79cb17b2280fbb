package dev.desafios.common;

import java.util.function.IntSupplier;

/**
 * What a service counts of its connection pools (docs/metrics.md), each under a {@code pool}
 * label: connections busy and idle, how long requests waited for one (a pool too small, or a
 * store too slow, shows here first), and how many waited out the borrow timeout (each a 503).
 */
public final class PoolMetrics {
    private static final double[] WAIT_BUCKETS = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2};
    private final Metrics.Gauges connections;
    private final Metrics.Histogram waits;
    private final Metrics.Counter timeouts;

    private PoolMetrics(Metrics.Gauges connections, Metrics.Histogram waits, Metrics.Counter timeouts) {
        this.connections = connections;
        this.waits = waits;
        this.timeouts = timeouts;
    }

    /** The pool families, made in {@code metrics}. */
    public static PoolMetrics in(Metrics metrics) {
        return new PoolMetrics(
                metrics.gauges("db_pool_connections", "Connections of a pool, by state: busy (borrowed) or idle.",
                        "pool", "state"),
                metrics.histogram("db_pool_wait_seconds", "Time a request waited for a connection of the pool.",
                        WAIT_BUCKETS, "pool"),
                metrics.counter("db_pool_timeouts_total",
                        "Requests that waited out the pool's borrow timeout and got no connection.", "pool"));
    }

    /** Counts a JDBC pool under the name {@code pool}: its connections, and every borrower's wait. */
    public void watch(String pool, ConnectionPool connectionPool) {
        watch(pool, connectionPool::inUse, connectionPool::idleCount);
        connectionPool.observeWaits((seconds, timedOut) -> {
            waits.observe(seconds, pool);
            if (timedOut) {
                timeouts.inc(pool);
            }
        });
    }

    /** Counts a pool known by its connection counts alone (Jedis's) under the name {@code pool}. */
    public void watch(String pool, IntSupplier busy, IntSupplier idle) {
        connections.series(busy::getAsInt, pool, "busy").series(idle::getAsInt, pool, "idle");
    }
}
