package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Config;
import dev.desafios.common.testing.FakeUpstream;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MAX_ORDERS over HTTP: a full store answers 507 problems without calling users, and keeps what it stored. */
class OrdersStoreLimitTest {
    private final FakeUpstream users = FakeUpstream.start()
            .answer(FakeUpstream.json(200, OrdersServiceFixture.userJson(1).toString()));
    @RegisterExtension
    final TestServer orders = new TestServer(() -> OrdersService.start(TestServer.freePorts(Map.of(
            "USERS_URL", "http://127.0.0.1:" + users.port(), "USERS_TIMEOUT", "1s", "MAX_ORDERS", "3"))))
            .closing(users);
    private final TestHttp http = orders.http();

    @Test
    void create_pastMaxOrders_507ProblemWithoutCallingUsersAndEveryOrderKept() {
        for (int i = 0; i < 3; i++) {
            json(http.postJson("/orders", order()), 201);
        }

        JsonObject refused = problem(http.postJson("/orders", order()), 507);

        assertEquals("Insufficient Storage", refused.getString("title", null));
        assertTrue(refused.getString("detail", "").contains("MAX_ORDERS"), refused.toString());
        assertEquals(3, users.received().size());
        assertEquals(3, json(http.get("/orders?userId=1"), 200).get("items").asArray().size());
        assertEquals(3, json(http.get("/orders"), 200).get("items").asArray().size());
        json(http.get("/orders/3"), 200);
        problem(http.get("/orders/4"), 404);
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
        problem(http.postJson("/orders", "{\"userId\":1,\"item\":\"x\",\"quantity\":0,\"unitPrice\":1}"), 400);
    }

    @Test
    void start_badMaxOrders_configErrorNamingIt() {
        for (String value : new String[] {"0", "-1", "abc", "99999999999"}) {
            var e = assertThrows(Config.ConfigException.class,
                    () -> OrdersService.start(TestServer.freePorts(Map.of("MAX_ORDERS", value))));

            assertTrue(e.getMessage().startsWith("MAX_ORDERS="), e.getMessage());
        }
    }

    private static String order() {
        return "{\"userId\":1,\"item\":\"Notebook\",\"quantity\":1,\"unitPrice\":\"2.50\"}";
    }
}
