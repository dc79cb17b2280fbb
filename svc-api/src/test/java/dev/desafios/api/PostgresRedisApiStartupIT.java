package dev.desafios.api;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.TcpProxy;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Challenge 3's start: it waits for stores that are not there yet (up to {@code STORES_WAIT}),
 * gives up naming the one missing, and stops at once on a wrong password.
 */
class PostgresRedisApiStartupIT extends PostgresRedisApiFixture {
    @Test
    void start_databaseUnreachable_givesUpAfterTheWaitNamingPostgres() {
        long start = System.nanoTime();
        var e = assertThrows(IllegalStateException.class,
                () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                        "DB_URL", stores.pgUrlVia("127.0.0.1:1"), "STORES_WAIT", "2s")))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(e.getMessage().startsWith("postgres is still unavailable after"), e.getMessage());
        assertTrue(e.getMessage().contains("STORES_WAIT"), e.getMessage());
        // Tried at 0 s and 1 s; a third try at 2 s would end after the wait.
        assertTrue(e.getMessage().contains("after 2 tries"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(8)) < 0,
                "gave up after " + took);
    }

    @Test
    void start_redisUnreachable_givesUpNamingRedis() {
        var e = assertThrows(IllegalStateException.class,
                () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                        "REDIS_URL", "redis://127.0.0.1:1", "STORES_WAIT", "1s")))));

        assertTrue(e.getMessage().startsWith("redis is still unavailable after"), e.getMessage());
    }

    @Test
    void start_storeComesUpDuringTheWait_starts() throws Exception {
        TcpProxy cache = proxy(stores.redisHost(), stores.redisPort());
        cache.refuse();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            cache.forward();
        });

        TestHttp http = start(Map.of("REDIS_URL", "redis://127.0.0.1:" + cache.port(), "STORES_WAIT", "10s"));

        json(http.get("/"), 200);
    }

    @Test
    void start_wrongPasswords_failAtOnceNamingTheFile() throws Exception {
        var wrong = Files.createTempFile("wrong", ".txt");
        Files.writeString(wrong, "not-the-password\n");
        try {
            long start = System.nanoTime();
            var db = assertThrows(IllegalStateException.class,
                    () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                            "DB_PASSWORD_FILE", wrong.toString(), "STORES_WAIT", "20s")))));
            var cache = assertThrows(IllegalStateException.class,
                    () -> ApiService.start(TestServer.freePorts(stores.apiEnv(Map.of(
                            "REDIS_PASSWORD_FILE", wrong.toString(), "STORES_WAIT", "20s")))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(db.getMessage().startsWith("postgres refused the login: check DB_USER and DB_PASSWORD_FILE"),
                    db.getMessage());
            assertTrue(cache.getMessage().startsWith("redis refused the login: check REDIS_PASSWORD_FILE"),
                    cache.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "no waiting on a wrong password: " + took);
            assertFalse(db.getMessage().contains("not-the-password"), db.getMessage());
            assertFalse(cache.getMessage().contains("not-the-password"), cache.getMessage());
        } finally {
            Files.delete(wrong);
        }
    }
}
