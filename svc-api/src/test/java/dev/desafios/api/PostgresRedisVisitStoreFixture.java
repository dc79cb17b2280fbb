package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The visit store alone, against the real servers named by the environment (see {@link TestStores}):
 * what its tests share.
 */
abstract class PostgresRedisVisitStoreFixture {
    /** The servers named by the environment: a missing variable fails every test. */
    static TestStores stores;
    /** A store open on those servers for each test. */
    PostgresRedisVisitStore store;

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
    }

    @BeforeEach
    void open() {
        store = PostgresRedisVisitStore.open(stores.settings(Map.of()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A GET / from 127.0.0.1 with this request id. */
    static VisitStore.Access access(String requestId) {
        return new VisitStore.Access("/", "127.0.0.1", "it", requestId);
    }

    /** Waits (up to 5 s) for the counter to move as the rows did, by {@code delta} since the counts given. */
    static void assertCountsAgree(long rows, long counter, long delta) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stores.counter() - counter != stores.rows() - rows && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(delta, stores.rows() - rows, "rows delta");
        assertEquals(delta, stores.counter() - counter, "counter delta");
    }

    /** Records an access and returns its row's id. */
    long record(String path, String userAgent, String requestId) {
        return store.record(new VisitStore.Access(path, "127.0.0.1", userAgent, requestId)).getLong("accessId", -1);
    }

    /** A column of the access row with this id, read directly. */
    static String stored(long id, String column) throws Exception {
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT " + column + " FROM accesses WHERE id = ?")) {
            select.setLong(1, id);
            try (var row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
