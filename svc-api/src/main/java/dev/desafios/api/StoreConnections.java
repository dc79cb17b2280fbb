package dev.desafios.api;

import dev.desafios.common.ConnectionPool;
import dev.desafios.common.PoolMetrics;
import redis.clients.jedis.JedisPool;

/**
 * Connections to both stores kept for one kind of work. The writer, the reads of {@code /visits}
 * and the health checks each have their own, so that no kind waits for a connection held by
 * another: 56 clients reading once held every pooled connection while the writer waited behind
 * them (and {@code GET /} answered 503).
 */
record StoreConnections(ConnectionPool postgres, JedisPool redis) implements AutoCloseable {
    /** Counts both pools under {@code postgres-KIND} and {@code redis-KIND}. */
    void measure(PoolMetrics metrics, String kind) {
        metrics.watch("postgres-" + kind, postgres);
        metrics.watch("redis-" + kind, redis::getNumActive, redis::getNumIdle);
    }

    @Override
    public void close() {
        redis.close();
        postgres.close();
    }
}
