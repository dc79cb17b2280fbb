package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The append-only list behind the in-memory stores: pages by index, and readers racing a writer. */
class AppendOnlyListTest {

    @Test
    void add_pastItsInitialCapacity_keepsEveryEntryInOrder() {
        var list = new AppendOnlyList<Integer>(1);

        IntStream.range(0, 1000).forEach(list::add);

        assertEquals(1000, list.size());
        assertEquals(IntStream.range(0, 1000).boxed().toList(), list.slice(0, 1000));
        assertEquals(999, list.get(999));
    }

    @Test
    void get_outsideTheList_null() {
        var list = new AppendOnlyList<String>(4);
        list.add("a");

        assertNull(list.get(-1));
        assertNull(list.get(1));
        assertNull(list.get(Long.MAX_VALUE));
        assertEquals("a", list.get(0));
    }

    @Test
    void slice_pastTheEndOrHuge_whatThereIs() {
        var list = new AppendOnlyList<Integer>(4);
        IntStream.range(0, 10).forEach(list::add);

        assertEquals(List.of(8, 9), list.slice(8, 100));
        assertEquals(List.of(), list.slice(10, 5));
        assertEquals(List.of(), list.slice(Integer.MAX_VALUE, 100));
        assertEquals(List.of(0, 1, 2), list.slice(0, 3));
        assertEquals(List.of(), list.slice(3, 0));
        assertThrows(IllegalArgumentException.class, () -> list.slice(-1, 3));
        assertThrows(UnsupportedOperationException.class, () -> list.slice(0, 3).set(0, 7));
    }

    @Test
    void slice_whileAWriterGrowsTheList_alwaysAWholePrefixInOrder() throws InterruptedException {
        var list = new AppendOnlyList<Integer>(1);
        var done = new AtomicBoolean();
        var failure = new AtomicReference<String>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get() && failure.get() == null) {
                int size = list.size();
                List<Integer> page = list.slice(Math.max(0, size - 50), 50);
                for (int i = 0; i < page.size(); i++) {
                    if (page.get(i) == null || page.get(i) != Math.max(0, size - 50) + i) {
                        failure.set("at size " + size + " the page was " + page);
                    }
                }
            }
        });
        for (int i = 0; i < 200_000; i++) {
            list.add(i);
        }
        done.set(true);
        reader.join();

        assertNull(failure.get());
        assertTrue(list.size() == 200_000);
    }
}
