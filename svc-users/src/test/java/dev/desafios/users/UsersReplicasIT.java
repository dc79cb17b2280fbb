package dev.desafios.users;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Server;
import dev.desafios.common.testing.TcpProxy;
import dev.desafios.common.testing.TestDatabase;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas of the users service on one real PostgreSQL agree: they start together (schema and
 * seeds once), a user created through one is read through the other, ids come from the database,
 * and data outlives every replica. A database that is cut off or hangs is a 503 problem within
 * bounds and {@code /health} DOWN, never a 500 or a hang; it serves again when the database returns.
 */
class UsersReplicasIT {
    private final TestDatabase db = TestDatabase.fromEnvironment();
    private final List<Server> servers = new ArrayList<>();
    private final List<TestHttp> clients = new ArrayList<>();
    private TcpProxy proxy;

    @AfterEach
    void stop() {
        servers.forEach(Server::stop);
        clients.forEach(TestHttp::close);
        if (proxy != null) {
            proxy.close();
        }
    }

    private TestHttp replica(Map<String, String> env) {
        Server server = UsersService.start(TestServer.freePorts(env));
        servers.add(server);
        var http = new TestHttp(server.port());
        clients.add(http);
        return http;
    }

    @Test
    void twoReplicasStartingTogether_seedOnceAndAgreeOnEveryUser() throws Exception {
        Map<String, String> env = UsersDatabase.fresh(Map.of());
        List<Future<TestHttp>> starting = new ArrayList<>();
        try (var executor = Executors.newFixedThreadPool(2)) {
            for (String host : List.of("users-a", "users-b")) {
                var hostEnv = new java.util.HashMap<>(env);
                hostEnv.put("HOSTNAME", host);
                starting.add(executor.submit((Callable<TestHttp>) () -> replica(hostEnv)));
            }
        }
        TestHttp a = starting.get(0).get();
        TestHttp b = starting.get(1).get();
        assertEquals(3, db.queryLong("SELECT count(*) FROM users"), "the seeds once, not once per replica");

        JsonObject created = json(a.postJson("/users", "{\"name\":\"Shared\",\"email\":\"shared@example.org\"}"), 201);
        long id = created.getLong("id", -1);
        assertTrue(id > 3, "ids continue past the seeds: " + id);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> read = b.get("/users/" + id);
            assertEquals(created, json(read, 200));
            assertEquals("users-b", read.headers().firstValue(UsersService.SERVED_BY).orElse(null));
        }
        problem(b.postJson("/users", "{\"name\":\"Again\",\"email\":\"SHARED@example.org\"}"), 409);
        JsonObject next = json(b.postJson("/users", "{\"name\":\"Next\",\"email\":\"next@example.org\"}"), 201);
        assertTrue(next.getLong("id", -1) > id, "one sequence for both replicas");
        assertEquals(5, json(a.get("/users"), 200).get("items").asArray().size());
    }

    @Test
    void replicasGoneAndNewOneStarted_usersKeptSeedsNotRepeated() {
        Map<String, String> env = UsersDatabase.fresh(Map.of());
        JsonObject created = json(replica(env).postJson("/users", "{\"name\":\"Kept\",\"email\":\"kept@example.org\"}"), 201);
        servers.forEach(Server::stop);

        TestHttp again = replica(env);

        assertEquals(created, json(again.get("/users/" + created.getLong("id", -1)), 200));
        assertEquals(4, json(again.get("/users"), 200).get("items").asArray().size());
    }

    @Test
    void databaseCutOff_503ProblemWithinBoundsHealthDown_thenServesAgain() {
        UsersDatabase.fresh(Map.of());
        proxy = new TcpProxy(db.host(), db.port());
        TestHttp http = replica(db.serviceEnv(Map.of("DB_URL", db.urlVia("127.0.0.1:" + proxy.port()))));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));

        proxy.refuse();

        for (String path : List.of("/users/1", "/users")) {
            long started = System.nanoTime();
            JsonObject body = problem(http.get(path), 503);
            assertWithin(Duration.ofSeconds(3), started, path);
            assertNoInternals(body);
        }
        long started = System.nanoTime();
        assertNoInternals(problem(http.postJson("/users", "{\"name\":\"Lost\",\"email\":\"lost@example.org\"}"), 503));
        assertWithin(Duration.ofSeconds(3), started, "POST /users");
        JsonObject health = json(http.get("/health"), 503);
        assertEquals("DOWN", health.getString("status", null));
        assertEquals("DOWN", health.get("checks").asObject().getString("postgres", null));

        proxy.forward();

        // The pool tries the database again at most once a second after a refused connect.
        assertEquals("Ada Lovelace", json(http.getOnceServing("/users/1", Duration.ofSeconds(3)), 200)
                .getString("name", null));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }

    @Test
    void databaseHangs_503WithinTheSocketTimeoutNotAHang() {
        UsersDatabase.fresh(Map.of());
        proxy = new TcpProxy(db.host(), db.port());
        TestHttp http = replica(db.serviceEnv(Map.of("DB_URL", db.urlVia("127.0.0.1:" + proxy.port()))));
        json(http.get("/users/1"), 200);

        proxy.hang();

        long started = System.nanoTime();
        assertNoInternals(problem(http.get("/users/2"), 503));
        assertWithin(Duration.ofSeconds(8), started, "GET /users/2 while the database hangs");
        proxy.forward();
        assertEquals("Alan Turing", json(http.get("/users/2"), 200).getString("name", null));
    }

    @Test
    void wrongPassword_startFailsAtOnceNamingTheSettings() throws Exception {
        var file = java.nio.file.Files.createTempFile("wrong", ".pw");
        java.nio.file.Files.writeString(file, "not-the-password");
        long started = System.nanoTime();

        var e = assertThrows(IllegalStateException.class,
                () -> replica(db.serviceEnv(Map.of("DB_PASSWORD_FILE", file.toString()))));

        assertTrue(e.getMessage().contains("DB_USER and DB_PASSWORD_FILE"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
        assertWithin(Duration.ofSeconds(5), started, "a refused login");
        java.nio.file.Files.delete(file);
    }

    @Test
    void noDatabaseAtStart_startGivesUpAfterTheWait() {
        long started = System.nanoTime();

        var e = assertThrows(IllegalStateException.class,
                () -> replica(db.serviceEnv(Map.of("DB_URL", db.urlVia("127.0.0.1:1"), "STORES_WAIT", "2s"))));

        assertTrue(e.getMessage().contains("STORES_WAIT=2000ms"), e.getMessage());
        assertWithin(Duration.ofSeconds(6), started, "the start-up wait");
    }

    private static void assertWithin(Duration bound, long startedNanos, String what) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        assertTrue(took.compareTo(bound) < 0, what + " took " + took.toMillis() + " ms, more than " + bound);
    }

    /** Names the store, never the driver, the URL or the exception. */
    private static void assertNoInternals(JsonObject problem) {
        String text = problem.toString().toLowerCase();
        Set<String> leaks = new HashSet<>(List.of("jdbc", "postgresql", "127.0.0.1", "exception", "sqlstate"));
        leaks.removeIf(leak -> !text.contains(leak));
        assertTrue(leaks.isEmpty(), "the problem shows " + leaks + ": " + problem);
        assertTrue(text.contains("users database"), problem.toString());
    }
}
