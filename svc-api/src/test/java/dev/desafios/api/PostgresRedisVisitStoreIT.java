package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Problem;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The store alone, against the real servers named by the environment (see {@link TestStores}): one
 * row and one count per access, whatever the text, the concurrency or the pools' load.
 */
class PostgresRedisVisitStoreIT extends PostgresRedisVisitStoreFixture {
    @Test
    void record_oneAccess_oneRowAndOneIncrement() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();

        JsonObject added = store.record(new VisitStore.Access("/", "10.0.0.7", "curl/8", "req-1"));

        assertEquals(counter + 1, added.getLong("visits", -1));
        assertEquals(rows + 1, stores.rows());
        assertEquals(counter + 1, stores.counter());
        assertEquals("10.0.0.7", stored(added.getLong("accessId", -1), "client"));
    }

    @Test
    void record_hostileText_storedAsDataWithNulRemovedAndCut() throws Exception {
        String injection = "'; DROP TABLE accesses; --";
        String huge = "x".repeat(10 * 1024);
        String loneSurrogates = "\uD800 half \uDFFF";
        String controls = "\u0001\u0002\t\r\n\u001b\u007f";

        long id1 = record(injection, "a\u0000b", injection);
        long id2 = record(huge, huge, huge);
        long id3 = record(loneSurrogates, controls, "\u0000\u0000");
        long id4 = record("/", "\uD83D\uDE00".repeat(2000), "emoji");

        assertEquals(injection, stored(id1, "path"));
        assertEquals("ab", stored(id1, "user_agent"));
        assertEquals(injection, stored(id1, "request_id"));
        assertEquals(2048, stored(id2, "user_agent").length());
        assertEquals(2048, stored(id2, "path").length());
        assertEquals(controls, stored(id3, "user_agent"));
        assertEquals("", stored(id3, "request_id"));
        assertEquals(" half ".length() + 2, stored(id3, "path").length());
        assertEquals("\uD83D\uDE00".repeat(1024), stored(id4, "user_agent"), "never cut inside a character");
        assertEquals(stores.rows(), store.summary().getLong("accesses", -1), "the table is still there");
    }

    @Test
    void record_concurrentAccesses_eachGetsItsOwnRowAndVisitNumber() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();
        int accesses = 200;
        var answers = new ConcurrentHashMap<String, JsonObject>();

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < accesses; i++) {
                String requestId = "it-concurrent-" + i;
                threads.submit(() -> answers.put(requestId,
                        store.record(new VisitStore.Access("/", "10.0.0.8", "it", requestId))));
            }
        }

        assertEquals(accesses, answers.size(), "every access answered");
        assertEquals(rows + accesses, stores.rows());
        assertEquals(counter + accesses, stores.counter());
        var visits = new HashSet<Long>();
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT request_id FROM accesses WHERE id = ?")) {
            for (var answer : answers.entrySet()) {
                visits.add(answer.getValue().getLong("visits", -1));
                select.setLong(1, answer.getValue().getLong("accessId", -1));
                try (var row = select.executeQuery()) {
                    row.next();
                    assertEquals(answer.getKey(), row.getString(1), "each access id names the row of its own request");
                }
            }
        }
        assertEquals(LongStream.rangeClosed(counter + 1, counter + accesses).boxed().collect(Collectors.toSet()), visits,
                "visit numbers are handed out once each, with no gap");
    }

    @Test
    void record_twoApisWritingAtOnce_counterAndRowsMoveTogether() throws Exception {
        long rows = stores.rows();
        long counter = stores.counter();
        int each = 150;
        var answered = new java.util.concurrent.atomic.AtomicInteger();

        try (var other = PostgresRedisVisitStore.open(stores.settings(Map.of()));
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < each; i++) {
                int n = i;
                threads.submit(() -> {
                    store.record(access("it-first-" + n));
                    answered.incrementAndGet();
                });
                threads.submit(() -> {
                    other.record(access("it-second-" + n));
                    answered.incrementAndGet();
                });
            }
        }

        assertEquals(2 * each, answered.get(), "every access answered 2xx");
        assertCountsAgree(rows, counter, 2 * each);
    }

    @Test
    void summary_emptyCounter_zero() throws Exception {
        try (var jedis = stores.jedis()) {
            jedis.del(PostgresRedisVisitStore.COUNTER_KEY);
        }

        assertEquals(0, store.summary().getLong("visits", -1));
        assertEquals(1, store.record(new VisitStore.Access("/", "127.0.0.1", "it", "it-zero")).getLong("visits", -1));
    }

    @Test
    void record_whileEveryReadConnectionIsHeld_isWrittenAndHealthAnswers() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        int readers = 2;
        try (var small = PostgresRedisVisitStore.open(stores.settings(Map.of("DB_POOL_SIZE", Integer.toString(readers))));
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var holding = new java.util.concurrent.CountDownLatch(readers + StorePools.REDIS_READ_CONNECTIONS);
            for (int i = 0; i < readers; i++) {
                threads.submit(() -> small.readConnections().postgres().withConnection(connection -> {
                    holding.countDown();
                    return awaitQuietly(release);
                }));
            }
            for (int i = 0; i < StorePools.REDIS_READ_CONNECTIONS; i++) {
                threads.submit(() -> {
                    try (var jedis = small.readConnections().redis().getResource()) {
                        holding.countDown();
                        return release.await(30, TimeUnit.SECONDS);
                    }
                });
            }
            try {
                assertEquals(true, holding.await(10, TimeUnit.SECONDS), "every read connection is held");
                long rows = stores.rows();
                long counter = stores.counter();

                JsonObject added = small.record(access("it-reads-all-busy"));

                assertEquals(counter + 1, added.getLong("visits", -1));
                assertEquals(rows + 1, stores.rows());
                assertEquals(true, small.postgresUp() && small.redisUp(), "the health checks have their own connections");
                Problem starved = assertThrows(Problem.class, small::summary, "the reads are truly out of connections");
                assertEquals(503, starved.status());
            } finally {
                release.countDown();
            }
            assertEquals(stores.rows(), small.summary().getLong("accesses", -1), "and read again once released");
        }
    }

    private static boolean awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
