package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import dev.desafios.common.testing.FakeUpstream;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input at the gateway: a 4xx problem, nothing unsafe reaches an upstream, and the gateway stays healthy. */
class GatewayBadInputTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    private final FakeUpstream orders = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with(Map.of("MAX_BODY_BYTES", "1024"))
            .point("users", users).point("orders", orders).closing(users, orders);

    @Test
    void traversal_rawAndEncoded_400NothingForwarded() {
        for (String target : new String[] {
                "/api/users/../../admin", "/api/users/..", "/api/users/./1", "/api/users/%2e%2e/orders",
                "/api/users/%2E%2E/%2e%2E/admin", "/api/users/.%2e/orders", "/api/users/%252e%252e/orders",
                "/api/users%2f..%2f..%2fadmin", "/api/users/1%2F..", "/api/users/%5c..%5cadmin",
                "/api/users/..;/admin", "/api/orders/%00", "/api/users/1%0d%0aX-Injected:%20yes",
                "/api/users/%c0%ae%c0%ae/admin", "/api/users/%e0%80%ae"}) {
            TestGateway.Raw response = gateway.raw("GET " + target + " HTTP/1.1");
            assertEquals(400, response.status(), target);
            assertEquals("application/problem+json; charset=utf-8", response.header("Content-Type"), target);
            assertEquals(400, Json.parse(response.body()).asObject().getInt("status", 0), target);
        }
        assertNothingForwarded();
    }

    /** Targets that are not URIs at all: the server's own parser refuses them before any handler runs. */
    @Test
    void notAUri_backslashOrBrokenEscape_400NothingForwarded() {
        for (String target : new String[] {"/api/users/..\\..\\admin", "/api/users/%%32%65", "/api/users/%zz"}) {
            assertEquals(400, gateway.raw("GET " + target + " HTTP/1.1").status(), target);
        }
        assertNothingForwarded();
    }

    @Test
    void absoluteFormTarget_traversal_400NothingForwarded() {
        TestGateway.Raw response = gateway.raw("GET http://127.0.0.1/api/users/%2e%2e/admin HTTP/1.1");

        assertEquals(400, response.status());
        assertNothingForwarded();
    }

    @Test
    void unknownService_404Problem() {
        for (String path : new String[] {"/api/admin", "/admin", "/api/users..", "/api/%75sersx/1", "/api"}) {
            problem(gateway.http.get(path), 404);
        }
        assertNothingForwarded();
    }

    @Test
    void oversizedBody_413BeforeForwarding() {
        String big = "{\"item\":\"" + "x".repeat(4096) + "\"}";

        problem(gateway.http.postJson("/api/orders", big), 413);
        assertNothingForwarded();
    }

    @Test
    void oversizedChunkedBody_413BeforeForwarding() {
        byte[] big = ("{\"item\":\"" + "x".repeat(1024 * 1024) + "\"}").getBytes();

        HttpResponse<String> response = gateway.http.post("/api/orders", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));

        problem(response, 413);
        assertNothingForwarded();
    }

    /** Users and orders read only unencoded UTF-8: the gateway refuses anything else at the edge, as they would. */
    @Test
    void bodyWithContentCodingOrOtherCharset_415AtTheEdgeNothingForwarded() {
        String json = "{\"name\":\"Ana\",\"email\":\"ana@example.org\"}";
        for (String coding : new String[] {"gzip", "identity, br"}) {
            HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users")
                    .POST(BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding));

            assertTrue(problem(response, 415).getString("detail", "").contains(coding.replace("identity, ", "")));
            assertEquals("identity", response.headers().firstValue("Accept-Encoding").orElse(null));
        }
        for (String type : new String[] {"application/json; charset=utf-16", "application/json;charset=\"ISO-8859-1\""}) {
            problem(gateway.http.post("/api/orders", type, BodyPublishers.ofString(json)), 415);
        }
        assertNothingForwarded();
    }

    @Test
    void bodyUnencodedUtf8_forwarded() {
        gateway.http.send(gateway.http.request("/api/users")
                .POST(BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("Content-Encoding", "identity"));

        assertEquals(1, users.received().size());
    }

    @Test
    void requestId_fourKilobytes_replacedNeverEchoed() {
        String huge = "a".repeat(4 * 1024); // under the header limit; a bigger one is a 431

        HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users/1").header("X-Request-Id", huge));

        assertEquals(200, response.statusCode());
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertNotEquals(huge, id);
        assertTrue(id.matches("[A-Za-z0-9._-]{1,64}"), id);
        assertEquals(id, users.received().get(0).header("X-Request-Id"));
    }

    @Test
    void requestId_withCrOrInjection_replacedNeverEchoed() {
        for (String bad : new String[] {"abc\rX-Injected: 1", "abc%0d%0aX-Injected:%201", "id with spaces", "caf\u00e9"}) {
            TestGateway.Raw response = gateway.raw("GET /api/users/1 HTTP/1.1", "X-Request-Id: " + bad);
            String id = response.header("X-Request-Id");
            assertTrue(response.status() < 500, bad);
            assertTrue(id.matches("[A-Za-z0-9._-]{1,64}"), id);
            assertNotEquals(bad, id);
            assertTrue(response.header("X-Injected") == null, bad);
        }
        // (A bare CR ends a header line for the server's parser: X-Injected is then a header of its own.)
        users.received().forEach(received ->
                assertTrue(received.header("X-Request-Id").matches("[A-Za-z0-9._-]{1,64}"), received.toString()));
    }

    @Test
    void aggregate_wrongMethod_405() {
        problem(gateway.http.postJson("/api/users/1/orders", "{}"), 405);
        problem(gateway.http.delete("/api/users/1/orders"), 405);
        assertNothingForwarded();
    }

    @Test
    void aggregate_nonNumericOrHugeId_passedToUsersNot5xx() {
        users.answer(FakeUpstream.json(404, "{}"));

        for (String id : new String[] {"abc", "99999999999999999999999", "-1", "1.5"}) {
            int status = gateway.http.get("/api/users/" + id + "/orders").statusCode();
            assertTrue(status >= 400 && status < 500, id + ": " + status);
        }
    }

    @Test
    void queryString_nonAscii_400() {
        TestGateway.Raw response = gateway.raw("GET /api/users?name=caf\u00e9 HTTP/1.1");

        assertTrue(response.status() == 400, "status " + response.status());
        assertNothingForwarded();
    }

    private void assertNothingForwarded() {
        assertEquals(0, users.received().size(), () -> "users received " + users.received());
        assertEquals(0, orders.received().size(), () -> "orders received " + orders.received());
        gateway.assertHealthy();
    }
}
