package dev.desafios.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The bounded users store: the maximum holds under a race, and nothing stored is lost. */
class UserStoreTest {

    @Test
    void add_pastTheMaximum_507AndEveryEarlierUserKept() {
        var store = InMemoryUserStore.seeded(50);
        var added = new ArrayList<User>();
        for (int i = 4; i <= 50; i++) {
            added.add(store.add(new User.New("User " + i, "user" + i + "@example.org")));
        }

        Problem problem = assertThrows(Problem.class,
                () -> store.add(new User.New("One too many", "late@example.org")));

        assertEquals(507, problem.status());
        assertTrue(problem.getMessage().contains("MAX_USERS"), problem.getMessage());
        assertEquals(50, store.size());
        for (User user : added) {
            assertEquals(user, store.find(user.id()).orElseThrow());
        }
        assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), ids(store.page(100, 0)));
        assertTrue(store.find(51).isEmpty());
    }

    @Test
    void add_whenFullAndTheEmailTaken_409AsBefore() {
        var store = InMemoryUserStore.seeded(3);

        Problem problem = assertThrows(Problem.class, () -> store.add(new User.New("Ada", "ADA@example.org")));

        assertEquals(409, problem.status());
    }

    @Test
    void add_refused_usesNoId() {
        var store = InMemoryUserStore.seeded(5);
        store.add(new User.New("A", "a@example.org"));
        assertThrows(Problem.class, () -> store.add(new User.New("A again", "A@example.org")));

        assertEquals(5, store.add(new User.New("B", "b@example.org")).id());
    }

    @Test
    void add_manyThreadsRacingTheMaximum_exactlyTheMaximumStored() throws Exception {
        int max = 500;
        var store = InMemoryUserStore.seeded(max);
        var stored = new ConcurrentLinkedQueue<User>();
        var refused = new ConcurrentLinkedQueue<Integer>();
        var start = new CountDownLatch(1);
        try (var threads = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 2000; i++) {
                int n = i;
                threads.submit(() -> {
                    start.await();
                    try {
                        stored.add(store.add(new User.New("Racer " + n, "racer" + n + "@example.org")));
                    } catch (Problem problem) {
                        refused.add(problem.status());
                    }
                    return null;
                });
            }
            start.countDown();
        }

        assertEquals(max - InMemoryUserStore.SEEDS, stored.size());
        assertEquals(2000 - (max - InMemoryUserStore.SEEDS), refused.size());
        assertTrue(refused.stream().allMatch(status -> status == 507), refused.toString());
        assertEquals(max, store.size());
        assertEquals(LongStream.rangeClosed(1, max).boxed().toList(), ids(pages(store)));
        for (User user : stored) {
            assertEquals(user, store.find(user.id()).orElseThrow());
        }
    }

    @Test
    void page_offsetsAndLimits_sameAsTheWholeListCut() {
        var store = InMemoryUserStore.seeded(300);
        for (int i = 0; i < 250; i++) {
            store.add(new User.New("U" + i, "u" + i + "@example.org"));
        }
        List<User> all = pages(store);

        for (int offset : new int[] {0, 1, 99, 252, 253, 1000, Integer.MAX_VALUE}) {
            for (int limit : new int[] {1, 20, 100}) {
                assertEquals(all.stream().skip(offset).limit(limit).toList(), store.page(limit, offset));
            }
        }
    }

    @Test
    void seeded_maximumBelowTheSeeds_refused() {
        assertThrows(IllegalArgumentException.class, () -> InMemoryUserStore.seeded(2));
    }

    private static List<User> pages(InMemoryUserStore store) {
        var all = new ArrayList<User>();
        for (int offset = 0; ; offset += 100) {
            List<User> page = store.page(100, offset);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }

    private static List<Long> ids(List<User> users) {
        return users.stream().map(User::id).toList();
    }
}
