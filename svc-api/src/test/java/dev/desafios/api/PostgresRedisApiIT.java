package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Challenge 3 through HTTP, against the real PostgreSQL and Redis: each GET / one row and one
 * count, GET /visits and /health from both stores, the schema made once.
 */
class PostgresRedisApiIT extends PostgresRedisApiFixture {
    @Test
    void start_twiceOnTheSameDatabase_createsTheTableOnceAndKeepsItsRows() throws Exception {
        stores.execute("DROP TABLE IF EXISTS accesses");

        TestHttp first = start(Map.of());
        json(first.get("/"), 200);
        TestHttp second = start(Map.of());
        json(second.get("/"), 200);

        assertEquals(2, stores.rows());
        assertEquals(2, json(second.get("/visits"), 200).getLong("accesses", -1));
    }

    @Test
    void hello_nConcurrentCalls_rowsAndCounterMoveByExactlyN() throws Exception {
        TestHttp http = start(Map.of());
        long rowsBefore = stores.rows();
        long counterBefore = stores.counter();
        int calls = 40;

        var visits = new HashSet<Long>();
        var ids = new HashSet<Long>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < calls; i++) {
                answers.add(pool.submit(() -> http.get("/")));
            }
            for (var answer : answers) {
                JsonObject body = json(answer.get(), 200);
                visits.add(body.getLong("visits", -1));
                ids.add(body.getLong("accessId", -1));
                assertEquals(Set.of("message", "hostname", "time", "visits", "accessId"), Set.copyOf(body.names()));
            }
        }

        assertEquals(rowsBefore + calls, stores.rows());
        assertEquals(counterBefore + calls, stores.counter());
        assertEquals(calls, visits.size(), "every answer has its own count");
        assertEquals(calls, ids.size(), "every answer has its own row");
        assertTrue(visits.stream().allMatch(v -> v > counterBefore && v <= counterBefore + calls), visits.toString());
    }

    @Test
    void metrics_batchSizesAddUpToTheAccesses_andEveryPoolIsCounted() throws Exception {
        TestHttp http = start(Map.of());
        int calls = 30;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < calls; i++) {
                answers.add(pool.submit(() -> http.get("/")));
            }
            for (var answer : answers) {
                json(answer.get(), 200);
            }
        }

        String metrics = new TestHttp(lastServer.adminPort()).get("/metrics").body();

        // Every access is in exactly one batch: the sizes' sum is the number of accesses.
        assertTrue(metrics.contains("\nvisits_write_batch_size_sum " + calls + "\n"), metrics);
        for (String pool : List.of("postgres-reads", "postgres-writer", "postgres-checks", "redis-reads", "redis-writer")) {
            assertTrue(metrics.contains("db_pool_connections{pool=\"" + pool + "\",state=\"busy\"}"), pool + "\n" + metrics);
        }
        assertTrue(metrics.contains("db_pool_wait_seconds_count{pool=\"postgres-writer\"}"), metrics);
    }

    @Test
    void visits_afterTwelveCalls_countsAndTheLastTenNewestFirst() throws Exception {
        TestHttp http = start(Map.of());
        var sent = new ArrayList<String>();
        for (int i = 0; i < 12; i++) {
            String requestId = "it-visits-" + i + "-" + System.nanoTime();
            sent.add(requestId);
            json(http.send(http.request("/").header("X-Request-Id", requestId).header("User-Agent", "agent " + i)),
                    200);
        }
        json(http.get("/health"), 200);

        JsonObject body = json(http.get("/visits"), 200);

        assertEquals(Set.of("visits", "accesses", "recent"), Set.copyOf(body.names()));
        assertEquals(stores.counter(), body.getLong("visits", -1));
        assertEquals(stores.rows(), body.getLong("accesses", -1));
        JsonArray recent = body.get("recent").asArray();
        assertEquals(10, recent.size());
        long previousId = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            JsonObject access = recent.get(i).asObject();
            int call = 11 - i;
            assertEquals(Set.of("id", "at", "path", "client", "userAgent", "requestId"), Set.copyOf(access.names()));
            assertTrue(access.getLong("id", -1) < previousId, "newest first");
            previousId = access.getLong("id", -1);
            assertEquals(sent.get(call), access.getString("requestId", null));
            assertEquals("agent " + call, access.getString("userAgent", null));
            assertEquals("/", access.getString("path", null));
            assertEquals("127.0.0.1", access.getString("client", null));
            Instant at = Instant.parse(access.getString("at", null));
            assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 1, at.toString());
        }
    }

    @Test
    void visitsHealthAndUnknownPaths_neverCount() throws Exception {
        TestHttp http = start(Map.of());
        long rows = stores.rows();
        long counter = stores.counter();

        json(http.get("/visits"), 200);
        json(http.get("/health"), 200);
        problem(http.get("/nope"), 404);

        assertEquals(rows, stores.rows());
        assertEquals(counter, stores.counter());
    }

    @Test
    void health_bothStoresUp_200NamingBoth() {
        TestHttp http = start(Map.of());

        JsonObject body = json(http.get("/health"), 200);

        assertEquals("UP", body.getString("status", null));
        assertEquals(new JsonObject().add("postgres", "UP").add("redis", "UP"), body.get("checks"));
    }
}
