package dev.desafios.orders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Orders in memory, in id order: a concurrent sorted map and an atomic id counter, no lock. */
final class OrderStore {
    private final ConcurrentSkipListMap<Long, Order> byId = new ConcurrentSkipListMap<>();
    private final AtomicLong lastId = new AtomicLong();

    Order add(Order.New order) {
        var stored = new Order(lastId.incrementAndGet(), order.userId(), order.item(), order.quantity(),
                order.unitPrice(), order.total(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        byId.put(stored.id(), stored);
        return stored;
    }

    Optional<Order> find(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** One page of orders, lowest id first, of one user when {@code userId} is not null. */
    List<Order> page(Long userId, int limit, int offset) {
        return byId.values().stream()
                .filter(order -> userId == null || order.userId() == userId)
                .skip(offset).limit(limit).toList();
    }
}
