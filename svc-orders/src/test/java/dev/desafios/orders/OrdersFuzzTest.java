package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared bad-input suite over every route of the orders service: the order created first
 * always reads back, and users is only ever asked for a user by a whole-number id.
 */
class OrdersFuzzTest extends OrdersServiceFixture {
    private JsonObject existing;
    private BadInput fuzz;

    @BeforeEach
    void createOne() {
        existing = json(http.postJson("/orders", order(1)), 201);
        fuzz = new BadInput(orders.port(), this::assertNothingLost);
    }

    @Test
    void create_hostileBodies_4xxProblemNothingLost() {
        fuzz.bodies("POST", "/orders", new JsonObject().add("userId", 1).add("item", "Notebook")
                .add("quantity", 3).add("unitPrice", "19.99"));
    }

    @Test
    void read_hostilePathsAndQueries_4xxProblemNothingLost() {
        fuzz.targets("GET", BadInput.paths("/orders"));
        fuzz.queries("GET", BadInput.queries("/orders"));
    }

    @Test
    void everyRoute_hostileHeadersAndRequestLines_refusedOrServedNothingLost() {
        fuzz.headersAndRequestLines("POST", "/orders");
        fuzz.headersAndRequestLines("GET", "/orders/" + existing.getLong("id", 0));
    }

    @Test
    void create_tenMebibyteBody_413WithoutReadingIt() {
        fuzz.tenMebibyteBody("POST", "/orders");
    }

    private void assertNothingLost() {
        JsonObject read = json(http.get("/orders/" + existing.getLong("id", 0)), 200);
        assertEquals(existing.get("total"), read.get("total"));
        assertEquals(existing.get("item"), read.get("item"));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
        users.received().forEach(received -> assertTrue(received.target().matches("/users/[0-9]{1,18}"),
                () -> "users was asked for " + received.target()));
    }
}
