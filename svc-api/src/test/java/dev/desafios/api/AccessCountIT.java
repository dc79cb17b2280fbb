package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The row count that the database keeps beside {@code accesses} ({@link AccessSchema}): moved in
 * the same transaction as every write, whoever writes, and counted once at start for a table that
 * has rows and no count, however many APIs start at once. Against the real servers (see {@link TestStores}).
 */
class AccessCountIT {
    private static final String BY_HAND = """
            INSERT INTO accesses (path, client, user_agent, request_id)
            SELECT '/', '127.0.0.1', 'it', 'it-by-hand-' || n FROM generate_series(1, %d) AS n""";

    private static TestStores stores;

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
        open().close();
    }

    @Test
    void count_insertRolledBack_notCountedAndUnseenBeforeTheCommit() throws Exception {
        long kept = kept();
        try (Connection writer = stores.connect(); Statement statement = writer.createStatement()) {
            writer.setAutoCommit(false);
            statement.execute(BY_HAND.formatted(3));
            assertEquals(kept, kept(), "another session does not see the count of rows not committed");
            writer.rollback();
            assertEquals(kept, kept(), "rolled back with its rows");

            statement.execute(BY_HAND.formatted(3));
            writer.commit();
        }
        assertEquals(kept + 3, kept(), "committed with its rows");
        assertEquals(stores.rows(), kept());
    }

    @Test
    void count_writesOfEveryKind_keptEqualToTheRows() throws Exception {
        try (var store = open()) {
            store.record(access("it-count-api"));
            stores.execute(BY_HAND.formatted(50));
            stores.execute("DELETE FROM accesses WHERE request_id IN ('it-by-hand-1', 'it-by-hand-2')");
            assertEquals(stores.rows(), kept());
            assertEquals(stores.rows(), store.summary().getLong("accesses", -1));

            stores.execute("TRUNCATE accesses");
            assertEquals(0, kept());
            store.record(access("it-after-truncate"));
            assertEquals(1, store.summary().getLong("accesses", -1));
        }
    }

    @Test
    void count_rowDeletedByHand_theNextWriteCountsTheTableAgain() throws Exception {
        stores.execute(BY_HAND.formatted(20));
        stores.execute("DELETE FROM access_count");
        try (var store = open()) {
            assertEquals(stores.rows(), store.summary().getLong("accesses", -1), "counted while the row is missing");
            stores.execute(BY_HAND.formatted(2));
            assertEquals(stores.rows(), kept(), "the write counted the whole table");
        }
    }

    @Test
    void open_tableWithRowsAndNoCount_countedOnceAtStart() throws Exception {
        forgetTheCount();
        stores.execute(BY_HAND.formatted(5000));
        long rows = stores.rows();

        try (var store = open()) {
            assertEquals(rows, kept());
            assertEquals(rows, store.summary().getLong("accesses", -1));
            store.record(access("it-after-migration"));
            assertEquals(rows + 1, kept());
        }
    }

    @Test
    void open_severalApisAtOnceWhileRowsAreInserted_countedExactly() throws Exception {
        forgetTheCount();
        stores.execute(BY_HAND.formatted(20000));
        var inserting = new AtomicBoolean(true);
        var opened = new ArrayList<Future<PostgresRedisVisitStore>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> byHand = threads.submit(() -> {
                int batches = 0;
                while (inserting.get()) {
                    stores.execute(BY_HAND.formatted(10));
                    batches++;
                }
                return batches;
            });
            for (int i = 0; i < 4; i++) {
                opened.add(threads.submit(AccessCountIT::open));
            }
            for (var store : opened) {
                store.get().close();
            }
            inserting.set(false);
            byHand.get();
        }

        assertEquals(stores.rows(), kept(), "every row counted once, before, during and after the count");
        assertEquals(3, query("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'accesses'::regclass AND NOT tgisinternal"));
    }

    /** A database from before the count: the table, its rows, no count and no trigger. */
    private static void forgetTheCount() throws SQLException {
        stores.execute("DROP TABLE IF EXISTS accesses, access_count");
        stores.execute("DROP FUNCTION IF EXISTS access_count_move(), access_count_recount()");
        stores.execute(AccessSchema.ACCESSES);
    }

    private static PostgresRedisVisitStore open() {
        return PostgresRedisVisitStore.open(stores.settings(Map.of()));
    }

    private static long kept() throws SQLException {
        return query("SELECT total FROM access_count");
    }

    private static long query(String sql) throws SQLException {
        try (Connection connection = stores.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static VisitStore.Access access(String requestId) {
        return new VisitStore.Access("/", "127.0.0.1", "it", requestId);
    }
}
