package dev.desafios.common;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A list that only grows, for in-memory stores whose entries are never removed: one writer at a
 * time (the caller holds its own lock around {@link #add}), readers without any lock. A page is
 * read by index, so it costs its own length, not the entries before it. The writer publishes a
 * grown array before the size that covers it; a reader reads the size first, so it sees every
 * element below that size.
 */
public final class AppendOnlyList<T> {
    private volatile Object[] items;
    private volatile int size;

    /** An empty list with room for this many entries before it first grows. */
    public AppendOnlyList(int initialCapacity) {
        items = new Object[Math.max(1, initialCapacity)];
    }

    /** Appends an entry; callers serialise their writes (one lock per store). */
    public void add(T item) {
        int n = size;
        Object[] current = items;
        if (n == current.length) {
            if (n == Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the list is at its largest size");
            }
            current = Arrays.copyOf(current, (int) Math.min(Integer.MAX_VALUE - 8, 2L * n));
            items = current;
        }
        current[n] = item;
        size = n + 1;
    }

    /** How many entries the list holds. */
    public int size() {
        return size;
    }

    /** The entry at this index, or null when there is none. */
    @SuppressWarnings("unchecked")
    public T get(long index) {
        int n = size;
        return index >= 0 && index < n ? (T) items[(int) index] : null;
    }

    /** At most {@code limit} entries from index {@code offset}, in the order they were added. */
    @SuppressWarnings("unchecked")
    public List<T> slice(int offset, int limit) {
        int n = size;
        Object[] current = items;
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (offset >= n) {
            return List.of();
        }
        int end = offset + Math.min(limit, n - offset);
        return Collections.unmodifiableList(Arrays.asList((T[]) Arrays.copyOfRange(current, offset, end)));
    }
}
