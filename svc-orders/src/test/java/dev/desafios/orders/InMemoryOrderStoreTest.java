package dev.desafios.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The bounded orders store and its index by user. */
class OrderStoreTest {

    @Test
    void add_pastTheMaximum_507AndEveryEarlierOrderKept() {
        var store = new InMemoryOrderStore(40);
        var added = new ArrayList<Order>();
        for (int i = 0; i < 40; i++) {
            added.add(store.add(order(1 + i % 3)));
        }

        Problem problem = assertThrows(Problem.class, () -> store.add(order(1)));
        Problem early = assertThrows(Problem.class, store::checkRoom);

        assertEquals(507, problem.status());
        assertEquals(507, early.status());
        assertTrue(problem.getMessage().contains("MAX_ORDERS"), problem.getMessage());
        assertEquals(40, store.size());
        for (Order order : added) {
            assertEquals(order, store.find(order.id()).orElseThrow());
        }
        assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(), ids(store.page(null, 100, 0)));
        assertEquals(14, store.page(1L, 100, 0).size());
        assertTrue(store.find(41).isEmpty());
    }

    @Test
    void page_byUserAfterManyOrdersOfManyUsers_sameAsFilteringEveryOrder() {
        var store = new InMemoryOrderStore(20_000);
        var random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            // A few heavy users and a long tail, as real traffic and an attacker would make.
            long user = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 10 + random.nextInt(3000);
            store.add(order(user));
        }
        List<Order> all = store.page(null, Integer.MAX_VALUE, 0);
        assertEquals(20_000, all.size());

        for (long user : new long[] {1, 2, 3, 10, 11, 1500, 3009, 5000}) {
            List<Order> expected = all.stream().filter(order -> order.userId() == user).toList();
            assertEquals(expected, pages(store, user), "user " + user);
            for (int offset : new int[] {0, 1, 19, 100, expected.size() - 1, expected.size(), Integer.MAX_VALUE}) {
                for (int limit : new int[] {1, 20, 100}) {
                    assertEquals(expected.stream().skip(Math.max(0, offset)).limit(limit).toList(),
                            store.page(user, limit, Math.max(0, offset)), "user " + user + " at " + offset);
                }
            }
        }
    }

    @Test
    void add_manyThreadsRacingTheMaximum_exactlyTheMaximumStored() throws Exception {
        int max = 500;
        var store = new InMemoryOrderStore(max);
        var stored = new ConcurrentLinkedQueue<Order>();
        var refused = new ConcurrentLinkedQueue<Integer>();
        var start = new CountDownLatch(1);
        try (var threads = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 2000; i++) {
                long user = 1 + i % 7;
                threads.submit(() -> {
                    start.await();
                    try {
                        stored.add(store.add(order(user)));
                    } catch (Problem problem) {
                        refused.add(problem.status());
                    }
                    return null;
                });
            }
            start.countDown();
        }

        assertEquals(max, stored.size());
        assertEquals(2000 - max, refused.size());
        assertTrue(refused.stream().allMatch(status -> status == 507), refused.toString());
        assertEquals(LongStream.rangeClosed(1, max).boxed().toList(), ids(store.page(null, 1000, 0)));
        int byUser = 0;
        for (long user = 1; user <= 7; user++) {
            long id = user;
            List<Order> orders = pages(store, id);
            assertTrue(orders.stream().allMatch(order -> order.userId() == id));
            byUser += orders.size();
        }
        assertEquals(max, byUser);
    }

    private static List<Order> pages(InMemoryOrderStore store, long user) {
        var all = new ArrayList<Order>();
        for (int offset = 0; ; offset += 100) {
            List<Order> page = store.page(user, 100, offset);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }

    private static Order.New order(long user) {
        return new Order.New(user, "item of " + user, 2, new BigDecimal("1.50"));
    }

    private static List<Long> ids(List<Order> orders) {
        return orders.stream().map(Order::id).toList();
    }
}
