package dev.desafios.orders;

import dev.desafios.common.AppendOnlyList;
import dev.desafios.common.Problem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Orders in memory (challenge 4, and any run without {@code DB_URL}), at most {@code max} of them,
 * in id order, with an index by user: each user's orders in a list of their own, so that a page of
 * one user's orders costs what it returns, never a scan of every order. Nothing is removed and an
 * id is used only by a stored order, so order {@code n} sits at index {@code n - 1}. An insert
 * takes a lock (the capacity check, the id and both lists are one step: the count never passes the
 * maximum); reads take no lock.
 */
final class InMemoryOrderStore implements OrderStore {
    private final AppendOnlyList<Order> byId = new AppendOnlyList<>(64);
    private final Map<Long, AppendOnlyList<Order>> byUser = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final int max;

    /** An empty store of at most {@code max} orders. */
    InMemoryOrderStore(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the store must hold at least one order");
        }
        this.max = max;
    }

    /** Stores a new order; 507 when the store is full. */
    @Override
    public Order add(Order.New order) {
        lock.lock();
        try {
            if (byId.size() >= max) {
                throw full();
            }
            var stored = new Order(byId.size() + 1L, order.userId(), order.item(), order.quantity(),
                    order.unitPrice(), order.total(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            byId.add(stored);
            byUser.computeIfAbsent(stored.userId(), user -> new AppendOnlyList<>(4)).add(stored);
            return stored;
        } finally {
            lock.unlock();
        }
    }

    /** 507 already when full, so that a create can say so before it calls the users service. */
    @Override
    public void checkRoom() {
        if (byId.size() >= max) {
            throw full();
        }
    }

    @Override
    public Optional<Order> find(long id) {
        return Optional.ofNullable(byId.get(id - 1));
    }

    /** One page of orders, lowest id first, of one user when {@code userId} is not null. */
    @Override
    public List<Order> page(Long userId, int limit, int offset) {
        if (userId == null) {
            return byId.slice(offset, limit);
        }
        AppendOnlyList<Order> orders = byUser.get(userId);
        return orders == null ? List.of() : orders.slice(offset, limit);
    }

    /** How many orders are stored. */
    int size() {
        return byId.size();
    }

    private Problem full() {
        return Problem.insufficientStorage("the orders store is full: it holds its maximum of " + max
                + " orders (MAX_ORDERS); no more can be added");
    }
}
