package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /health: the gateway UP while it can answer, each upstream and each of its addresses checked. */
class GatewayHealthTest {
    private final FakeUpstream usersA = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"status\":\"UP\"}"));
    private final FakeUpstream usersB = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"status\":\"UP\"}"));
    private final FakeUpstream orders = FakeUpstream.start().answer(FakeUpstream.json(200, "{\"status\":\"UP\"}"));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().point("users", usersA, usersB).point("orders", orders)
            .closing(usersA, usersB, orders);

    @Test
    void health_allUp_200WithEveryCheckAndAddress() {
        JsonObject health = json(gateway.http.get("/health"), 200);

        assertEquals("UP", health.getString("status", null));
        assertEquals(new JsonObject().add("gateway", "UP").add("users", "UP").add("orders", "UP"), health.get("checks"));
        assertEquals(new JsonObject().add("addresses", 2).add("up", 2), health.get("upstreams").asObject().get("users"));
        assertEquals(new JsonObject().add("addresses", 1).add("up", 1), health.get("upstreams").asObject().get("orders"));
        assertEquals("/health", usersA.received().get(0).target());
        assertEquals("/health", orders.received().get(0).target());
    }

    @Test
    void health_oneUsersReplicaDown_usersStillUp() {
        usersB.close();

        JsonObject health = json(gateway.http.get("/health"), 200);

        assertEquals("UP", health.get("checks").asObject().getString("users", null));
        assertEquals(new JsonObject().add("addresses", 2).add("up", 1), health.get("upstreams").asObject().get("users"));
    }

    @Test
    void health_usersDown_gatewayStillUpNamingUsersDown() {
        usersA.answer(FakeUpstream.json(503, "{\"status\":\"DOWN\"}"));
        usersB.close();
        gateway.unknown("orders");

        JsonObject health = json(gateway.http.get("/health"), 200);

        assertEquals("UP", health.getString("status", null));
        assertEquals(new JsonObject().add("gateway", "UP").add("users", "DOWN").add("orders", "DOWN"), health.get("checks"));
        assertEquals(new JsonObject().add("addresses", 0).add("up", 0), health.get("upstreams").asObject().get("orders"));
    }

    @Test
    void health_head_200WithoutBody() {
        HttpResponse<String> response = gateway.http.send(gateway.http.request("/health")
                .method("HEAD", BodyPublishers.noBody()));

        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void health_post_405() {
        HttpResponse<String> response = gateway.http.postJson("/health", "{}");

        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void probe_answers_setAsideAddressBackInService() {
        int port = usersA.port();
        usersA.close();
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        sleep(300);   // the refused address is checked again and set aside meanwhile
        FakeUpstream back = FakeUpstream.startOn(port).answer(FakeUpstream.json(200, "{}"));
        gateway.closing(back);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }
        assertEquals(0, back.received().size(), "the refused address was not set aside");

        json(gateway.http.get("/health"), 200);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        // once for /health, then every other request
        assertEquals(1 + 2, back.received().size());
    }

    @Test
    void probe_oneAddressSilentTwiceWhileTheOtherAnswers_silentOneSetAside() {
        usersB.answer(FakeUpstream.json(200, "{}").after(Duration.ofSeconds(5)));

        json(gateway.http.get("/health"), 200);
        sleep(2500);   // the silent address is asked again in the background, and set aside
        int before = usersB.received().size();
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(before, usersB.received().size(), "the silent address still got requests");
    }

    @Test
    void probe_everyAddressSilent_noneSetAside() {
        usersA.answer(FakeUpstream.json(200, "{}").after(Duration.ofMillis(1500)));
        usersB.answer(FakeUpstream.json(200, "{}").after(Duration.ofMillis(1500)));

        json(gateway.http.get("/health"), 200);
        usersA.answer(FakeUpstream.json(200, "{}"));
        usersB.answer(FakeUpstream.json(200, "{}"));
        int before = usersA.received().size() + usersB.received().size();
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.http.get("/api/users/1").statusCode());
        }

        assertEquals(before + 4, usersA.received().size() + usersB.received().size());
        assertTrue(usersA.received().size() >= 3 && usersB.received().size() >= 3);
    }

    @Test
    void health_askedOften_probesAtMostOnceASecond() {
        for (int i = 0; i < 20; i++) {
            json(gateway.http.get("/health"), 200);
        }

        assertEquals(1, usersA.received().size());
        assertEquals(1, orders.received().size());
        sleep(1100);
        json(gateway.http.get("/health"), 200);
        assertEquals(2, usersA.received().size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
