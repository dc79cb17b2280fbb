package dev.desafios.api;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Health;
import dev.desafios.common.Metrics;

/** Where visits are recorded: in memory alone, or PostgreSQL (accesses) plus Redis (the counter). */
interface VisitStore extends AutoCloseable {

    /** What is known of one access to {@code GET /}. */
    record Access(String path, String client, String userAgent, String requestId) {
    }

    /** Records one access and returns the fields it adds to the answer ({@code visits}, maybe {@code accessId}). */
    JsonObject record(Access access);

    /** The body of {@code GET /visits}. */
    JsonObject summary();

    /** Adds a {@code /health} check for each store this one depends on (none in memory). */
    default void addChecks(Health health) {
    }

    /** Adds what the store counts (its pools, its write batches) to the service's metrics. */
    default void addMetrics(Metrics metrics) {
    }

    @Override
    default void close() {
    }
}
