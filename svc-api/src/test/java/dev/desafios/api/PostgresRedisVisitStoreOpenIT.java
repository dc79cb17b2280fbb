package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store at open: rows a stopped writer left uncounted, a lost counter and a table made anew
 * are counted from the rows.
 */
class PostgresRedisVisitStoreOpenIT extends PostgresRedisVisitStoreFixture {
    @Test
    void open_rowsLeftUncountedByAStoppedWriter_countedAtStart() throws Exception {
        store.record(access("it-warm"));
        long rows = stores.rows();
        long counter = stores.counter();
        // As if a writer had committed rows and stopped before counting them.
        stores.execute("INSERT INTO accesses (path, client, user_agent, request_id) VALUES "
                + "('/', '127.0.0.1', 'it', 'it-left-1'), ('/', '127.0.0.1', 'it', 'it-left-2')");

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            assertEquals(counter + 3, next.record(access("it-next")).getLong("visits", -1));
        }
        assertCountsAgree(rows, counter, 3);
    }

    @Test
    void open_noCounterAndNoMark_theCounterStartsFromTheRows() throws Exception {
        store.record(access("it-warm"));
        try (var jedis = stores.jedis()) {
            jedis.del(VisitCounter.COUNTER_KEY, VisitCounter.MARK_KEY);
        }

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            next.record(access("it-counted-from-rows"));
        }

        assertEquals(stores.rows(), stores.counter());
    }

    @Test
    void record_afterTheTableWasMadeAnew_itsRowsAreCounted() throws Exception {
        store.record(access("it-before-the-new-table"));
        stores.execute("DROP TABLE accesses");
        long counter = stores.counter();

        try (var next = PostgresRedisVisitStore.open(stores.settings(Map.of()))) {
            next.record(access("it-new-table-1"));
            next.record(access("it-new-table-2"));
        }

        assertEquals(2, stores.rows());
        assertEquals(counter + 2, stores.counter(), "the mark of the old table does not hide the new rows");
        assertEquals(2, store.summary().getLong("accesses", -1), "the new table is counted from its own rows");
    }
}
