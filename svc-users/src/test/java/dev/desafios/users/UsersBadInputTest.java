package dev.desafios.users;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input to POST /users: always a 4xx problem, nothing stored, and the service stays healthy. */
class UsersBadInputTest {
    @RegisterExtension
    final TestServer users = new TestServer(() -> UsersService.start(
            TestServer.freePorts(withStore(Map.of("HOSTNAME", "users-test")))));
    private final TestHttp http = users.http();

    /** The service's environment: in memory here; the *PostgresIT subclass runs the same tests on a database. */
    Map<String, String> withStore(Map<String, String> env) {
        return env;
    }

    @Test
    void create_name100CodePointsNonAscii_201() {
        for (String name : new String[] {"n".repeat(100), "\ud83d\ude00".repeat(100), "\u00e9".repeat(100),
                "\u5c71".repeat(100), "  " + "a".repeat(100) + "  "}) {
            JsonObject user = json(http.postJson("/users", user(name, "u" + name.hashCode() + "@example.org")), 201);
            assertEquals(name.strip(), user.getString("name", null));
        }
    }

    @Test
    void create_name101CodePoints_400() {
        assertRejected(400, user("n".repeat(101), "a@example.org"));
        assertRejected(400, user("\ud83d\ude00".repeat(101), "a@example.org"));
        assertRejected(400, user("x".repeat(10_000), "a@example.org"));
    }

    @Test
    void create_nameEmptyOrBlank_400() {
        assertRejected(400, user("", "a@example.org"));
        assertRejected(400, user("   \t ", "a@example.org"));
    }

    @Test
    void create_nameWithControlCharactersOrLoneSurrogate_400() {
        for (String name : new String[] {"a\u0000b", "line\nbreak", "bell\u0007", "del\u007f", "esc\u001b[31m",
                "c1\u0085"}) {
            assertRejected(400, user(name, "a@example.org"));
        }
        assertRejected(400, "{\"name\":\"half \\ud83d\",\"email\":\"a@example.org\"}");
    }

    @Test
    void create_invalidEmails_400() {
        for (String email : new String[] {"", "   ", "plain", "@example.org", "ada@", "ada@@example.org",
                "a@b@example.org", "ada@localhost", "ada@example", "ada@example.", "ada@.example.org",
                "ada@example..org", "ada@-example.org", "ada@example-.org", "ada@example.123", "ada@exa_mple.org",
                ".ada@example.org", "ada.@example.org", "a..da@example.org", "a da@example.org", "ada@exa mple.org",
                "\"ada\"@example.org", "ad\u00e1@example.org", "ada@ex\u00e1mple.org", "ada\r\n@example.org",
                "ada@example.org\u0000", "<ada@example.org>", "ada@[127.0.0.1]",
                "l".repeat(65) + "@example.org", "a@" + "l".repeat(64) + ".org"}) {
            JsonObject problem = assertRejected(400, user("Ada", email));
            assertTrue(problem.getString("detail", "").contains("email"), problem.toString());
        }
    }

    @Test
    void create_email254Characters_201And255_400() {
        String domain = "l".repeat(63) + "." + "m".repeat(63) + "." + "n".repeat(63) + ".org";
        String longest = "a".repeat(254 - domain.length() - 1) + "@" + domain;
        assertEquals(254, longest.length());

        assertEquals(longest, json(http.postJson("/users", user("Long", longest)), 201).getString("email", null));
        problem(http.postJson("/users", user("Longer", "b" + longest)), 400);
    }

    @Test
    void create_practicalEmails_201() {
        for (String email : new String[] {"o'brien@example.ie", "first.last+tag@sub.example.co.uk",
                "x@a.io", "user_1-2@xn--bcher-kva.example", "a@1.example.org"}) {
            assertEquals(email, json(http.postJson("/users", user("Ok", email)), 201).getString("email", null));
        }
    }

    @Test
    void create_unknownOrServerSetField_400NamingIt() {
        for (String field : new String[] {"id", "createdAt", "role", "Name"}) {
            JsonObject problem = assertRejected(400,
                    "{\"name\":\"Ada\",\"email\":\"new@example.org\",\"" + field + "\":1}");
            assertTrue(problem.getString("detail", "").contains(field), problem.toString());
        }
    }

    @Test
    void create_missingOrWrongTypes_400() {
        for (String body : new String[] {"{}", "{\"name\":\"Ada\"}", "{\"email\":\"new@example.org\"}",
                "{\"name\":null,\"email\":\"new@example.org\"}", "{\"name\":5,\"email\":\"new@example.org\"}",
                "{\"name\":[\"Ada\"],\"email\":\"new@example.org\"}", "{\"name\":\"Ada\",\"email\":true}",
                "{\"name\":\"Ada\",\"email\":{\"a\":1}}", "{\"name\":1e9999999999,\"email\":\"new@example.org\"}"}) {
            assertRejected(400, body);
        }
    }

    @Test
    void create_malformedOrEmptyJson_400() {
        for (String body : new String[] {"", "   ", "{", "{\"name\":", "{\"name\":\"Ada\",}", "{name:\"Ada\"}",
                "not json", "[]", "\"text\"", "null", "{\"name\":\"a\",\"name\":\"b\",\"email\":\"new@example.org\"}",
                "{} {}", "[".repeat(10_000)}) {
            assertRejected(400, body);
        }
    }

    @Test
    void create_invalidUtf8_400() {
        byte[] body = "{\"name\":\"X\",\"email\":\"new@example.org\"}".getBytes(StandardCharsets.UTF_8);
        body[9] = (byte) 0xC3;

        problem(http.post("/users", "application/json", BodyPublishers.ofByteArray(body)), 400);
        assertNothingStored();
    }

    @Test
    void create_oneMebibyteBody_413() {
        assertRejected(413, user("x".repeat(1024 * 1024), "a@example.org"));
    }

    @Test
    void create_oneMebibyteChunkedBody_413() {
        byte[] huge = user("x".repeat(1024 * 1024), "a@example.org").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http.post("/users", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)));

        problem(response, 413);
        assertNothingStored();
    }

    @Test
    void create_wrongContentType_415() {
        String body = user("Ada", "new@example.org");
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml",
                "application/jsonp"}) {
            problem(http.post("/users", type, BodyPublishers.ofString(body)), 415);
        }
        problem(http.post("/users", null, BodyPublishers.ofString(body)), 415);
        assertNothingStored();
    }

    @Test
    void create_gzipOrUtf16Body_415NothingStored() {
        String body = user("Ada", "new@example.org");
        HttpResponse<String> gzip = http.send(http.request("/users").POST(BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip"));

        assertTrue(problem(gzip, 415).getString("detail", "").contains("'gzip'"));
        assertEquals("identity", gzip.headers().firstValue("Accept-Encoding").orElse(null));
        JsonObject charset = problem(http.post("/users", "application/json; charset=utf-16",
                BodyPublishers.ofString(body, StandardCharsets.UTF_16)), 415);
        assertTrue(charset.getString("detail", "").contains("'utf-16'"), charset.toString());
        assertNothingStored();
    }

    @Test
    void create_requiredFieldNull_400SayingNull() {
        for (String field : new String[] {"name", "email"}) {
            JsonObject problem = assertRejected(400, new JsonObject().add("name", "Ada").add("email", "new@example.org")
                    .set(field, com.eclipsesource.json.Json.NULL).toString());

            assertEquals("field '" + field + "' is null; it is required and must have a value",
                    problem.getString("detail", ""));
        }
    }

    @Test
    void create_jsonWithCharset_201() {
        HttpResponse<String> response = http.post("/users", "Application/JSON; charset=UTF-8",
                BodyPublishers.ofString(user("Ada", "new@example.org")));

        json(response, 201);
    }

    @Test
    void get_hostileRequestId_replacedNeverEchoed() {
        for (String id : new String[] {"x".repeat(65), "a b", "<script>", "x".repeat(10_000)}) {
            HttpResponse<String> response = http.send(http.request("/users/1").header("X-Request-Id", id));

            // Over 8 KiB it is a header too large (431); the id is replaced all the same.
            assertEquals(id.length() > 8192 ? 431 : 200, response.statusCode());
            String echoed = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(echoed.matches("[0-9a-f]{16}"), echoed);
        }
    }

    private static String user(String name, String email) {
        return new JsonObject().add("name", name).add("email", email).toString();
    }

    /** Posts the body, asserts the problem, and that only the seed users are stored. */
    private JsonObject assertRejected(int status, String body) {
        JsonObject problem = problem(http.postJson("/users", body), status);
        assertNothingStored();
        return problem;
    }

    private void assertNothingStored() {
        JsonObject list = json(http.get("/users"), 200);
        assertEquals(3, list.get("items").asArray().size(), list.toString());
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
