package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static dev.desafios.orders.OrdersServiceFixture.order;
import static dev.desafios.orders.OrdersServiceFixture.userJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Server;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TcpProxy;
import dev.desafios.common.testing.TestDatabase;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orders service on the real PostgreSQL: orders outlive the service, ids come from the
 * database, exact money survives the round trip, and a database cut off is a 503 problem within
 * bounds with {@code /health} DOWN, serving again when it returns.
 */
class OrdersDatabaseIT {
    private final TestDatabase db = TestDatabase.fromEnvironment();
    private FakeUpstream users;
    private TcpProxy proxy;
    private Server server;
    private TestHttp http;

    @BeforeEach
    void start() {
        users = FakeUpstream.start().answer(FakeUpstream.json(200, userJson(1).toString()));
        proxy = new TcpProxy(db.host(), db.port());
        OrdersDatabase.fresh(Map.of());
        serve();
    }

    private void serve() {
        server = OrdersService.start(TestServer.freePorts(db.serviceEnv(Map.of("USERS_URL", "http://127.0.0.1:" + users.port(),
                "USERS_TIMEOUT", "1s", "DB_URL", db.urlVia("127.0.0.1:" + proxy.port())))));
        http = new TestHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
        http.close();
        proxy.close();
        users.close();
    }

    @Test
    void serviceReplaced_ordersKeptWithExactMoneyAndNewIdsAfterThem() {
        JsonObject first = json(http.postJson("/orders",
                "{\"userId\":1,\"item\":\"Rich\",\"quantity\":1000,\"unitPrice\":\"1000000.00\"}"), 201);
        assertEquals("1000000000.00", first.getString("total", null));
        server.stop();
        http.close();

        serve();

        JsonObject read = json(http.get("/orders/" + first.getLong("id", -1)), 200);
        assertEquals(first.getString("total", null), read.getString("total", null));
        assertEquals(first.getString("unitPrice", null), read.getString("unitPrice", null));
        assertEquals(first.getString("createdAt", null), read.getString("createdAt", null));
        assertTrue(json(http.postJson("/orders", order(1)), 201).getLong("id", -1) > first.getLong("id", -1));
        assertEquals(2, json(http.get("/orders?userId=1"), 200).get("items").asArray().size());
    }

    @Test
    void databaseCutOff_503ProblemWithinBoundsHealthDown_thenServesAgain() {
        JsonObject stored = json(http.postJson("/orders", order(1)), 201);

        proxy.refuse();

        long started = System.nanoTime();
        JsonObject refused = problem(http.postJson("/orders", order(1)), 503);
        assertTrue(refused.getString("detail", "").contains("orders database"), refused.toString());
        assertTrue(!refused.toString().toLowerCase().contains("jdbc"), refused.toString());
        problem(http.get("/orders/" + stored.getLong("id", -1)), 503);
        problem(http.get("/orders?userId=1"), 503);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "three calls took " + took.toMillis() + " ms");
        assertEquals("DOWN", json(http.get("/health"), 503).get("checks").asObject().getString("postgres", null));

        proxy.forward();

        // The pool tries the database again at most once a second after a refused connect.
        assertEquals(stored.getString("total", null), json(http.getOnceServing("/orders/" + stored.getLong("id", -1),
                Duration.ofSeconds(3)), 200).getString("total", null));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
        assertEquals(1, json(http.get("/orders"), 200).get("items").asArray().size(), "the refused order was not stored");
    }
}
