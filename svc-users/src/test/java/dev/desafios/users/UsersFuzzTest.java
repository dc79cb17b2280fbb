package dev.desafios.users;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared bad-input suite over every route of the users service; the user created first always reads back. */
class UsersFuzzTest {
    @RegisterExtension
    final TestServer users = new TestServer(() -> UsersService.start(
            TestServer.freePorts(withStore(Map.of("HOSTNAME", "users-test")))));
    private final TestHttp http = users.http();
    private JsonObject existing;
    private BadInput fuzz;

    @BeforeEach
    void writeOne() {
        existing = json(http.postJson("/users", "{\"name\":\"Existing\",\"email\":\"existing@example.org\"}"), 201);
        fuzz = new BadInput(users.port(), this::assertNothingLost);
    }

    /** The service's environment: in memory here; the *PostgresIT subclass runs the same tests on a database. */
    Map<String, String> withStore(Map<String, String> env) {
        return env;
    }

    @Test
    void create_hostileBodies_4xxProblemNothingLost() {
        fuzz.bodies("POST", "/users", new JsonObject().add("name", "Ana").add("email", "ana@example.org"));
    }

    @Test
    void read_hostilePathsAndQueries_4xxProblemNothingLost() {
        fuzz.targets("GET", BadInput.paths("/users"));
        fuzz.queries("GET", BadInput.queries("/users"));
    }

    @Test
    void everyRoute_hostileHeadersAndRequestLines_refusedOrServedNothingLost() {
        fuzz.headersAndRequestLines("POST", "/users");
        fuzz.headersAndRequestLines("GET", "/users/" + existing.getLong("id", 0));
    }

    @Test
    void create_tenMebibyteBody_413WithoutReadingIt() {
        fuzz.tenMebibyteBody("POST", "/users");
    }

    private void assertNothingLost() {
        assertEquals(existing, json(http.get("/users/" + existing.getLong("id", 0)), 200));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
