package dev.desafios.orders;

import dev.desafios.common.Health;
import dev.desafios.common.Metrics;
import java.util.List;
import java.util.Optional;

/** Where orders are kept: in memory ({@link InMemoryOrderStore}) or in PostgreSQL ({@link PostgresOrderStore}). */
interface OrderStore extends AutoCloseable {
    /** Stores a new order with the next id and its total. */
    Order add(Order.New order);

    /**
     * A 507 already when the store is full, so that a create can say so before it calls the users
     * service; a database has no such cap.
     */
    default void checkRoom() {
    }

    /** The order with this id, if stored. */
    Optional<Order> find(long id);

    /** One page of orders, lowest id first, of one user when {@code userId} is not null. */
    List<Order> page(Long userId, int limit, int offset);

    /** Adds a {@code /health} check for each store this one depends on (none in memory). */
    default void addChecks(Health health) {
    }

    /** Adds what the store counts (its pools) to the service's metrics. */
    default void addMetrics(Metrics metrics) {
    }

    @Override
    default void close() {
    }
}
