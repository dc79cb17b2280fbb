package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TcpProxy;
import dev.desafios.common.testing.TestHttp;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Challenge 3 through HTTP while a store is refused or hangs (a {@link TcpProxy} in front of it): a
 * 503 naming it within the timeouts, then served again by itself, rows and counter in step.
 */
class PostgresRedisApiOutageIT extends PostgresRedisApiFixture {
    @Test
    void redis_stoppedThenBack_503NamingRedisThenServesAgainWithRowsAndCounterInStep() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port()));
        json(http.get("/"), 200);
        long rows = stores.rows();
        long counter = stores.counter();

        cache.refuse();
        long start = System.nanoTime();
        JsonObject refused = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("redis is unavailable", refused.getString("detail", null));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered in " + took);
        problem(http.get("/"), 503);
        assertEquals("redis is unavailable", problem(http.get("/visits"), 503).getString("detail", null));
        JsonObject health = json(http.get("/health"), 503);
        assertEquals(new JsonObject().add("postgres", "UP").add("redis", "DOWN"), health.get("checks"));
        assertEquals(rows + 1, stores.rows(), "the first 503's row was committed, and nothing after it");
        assertEquals(counter, stores.counter());

        cache.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(5)).statusCode(), "serves again by itself");
        assertEquals(stores.rows() - rows, stores.counter() - counter, "rows and counter moved together");
    }

    @Test
    void redis_hanging_503NamingRedisWithinTheTimeout() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port()));
        json(http.get("/"), 200);
        long rows = stores.rows();
        long counter = stores.counter();

        cache.hang();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("redis is unavailable", problem.getString("detail", null));
        // At worst a check of the idle connection (2 s) and a new connection's login (2 s) time out.
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "answered in " + took);

        cache.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(8)).statusCode());
        assertEquals(stores.rows() - rows, stores.counter() - counter, "rows and counter moved together");
    }

    @Test
    void postgres_stoppedThenBack_503NamingPostgresThenServesAgain() throws Exception {
        String[] hostPort = stores.pgHostPort().split(":");
        TcpProxy db = proxy(hostPort[0], Integer.parseInt(hostPort[1]));
        TestHttp http = start(Map.of("DB_URL", stores.pgUrlVia("127.0.0.1:" + db.port())));
        json(http.get("/"), 200);
        long counter = stores.counter();

        db.refuse();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("postgres is unavailable", problem.getString("detail", null));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered in " + took);
        assertEquals(counter, stores.counter(), "no count without its row");
        JsonObject health = json(http.get("/health"), 503);
        assertEquals(new JsonObject().add("postgres", "DOWN").add("redis", "UP"), health.get("checks"));

        db.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(5)).statusCode(), "serves again by itself");
        json(http.get("/health"), 200);
    }

    @Test
    void postgres_hanging_503NamingPostgresWithinTheTimeouts() throws Exception {
        String[] hostPort = stores.pgHostPort().split(":");
        TcpProxy db = proxy(hostPort[0], Integer.parseInt(hostPort[1]));
        TestHttp http = start(Map.of("DB_URL", stores.pgUrlVia("127.0.0.1:" + db.port())));
        json(http.get("/"), 200);

        db.hang();
        long start = System.nanoTime();
        JsonObject problem = problem(http.get("/"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("postgres is unavailable", problem.getString("detail", null));
        // The statement's read times out (5 s), or the idle check (1 s) and a new login (3 s) do.
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "answered in " + took);

        db.forward();
        assertEquals(200, http.getOnceServing("/", Duration.ofSeconds(8)).statusCode());
    }
}
