package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.contentType;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pass-through routes: what goes up, what comes back, and which headers do not. */
class GatewayProxyTest {
    private final FakeUpstream users = FakeUpstream.start();
    private final FakeUpstream orders = FakeUpstream.start();
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().point("users", users).point("orders", orders)
            .closing(users, orders);

    @Test
    void getUser_upstreamAnswers_statusBodyAndContentTypePassedBack() {
        users.answer(FakeUpstream.json(200, "{\"id\":1,\"name\":\"Ana\"}"));

        HttpResponse<String> response = gateway.http.get("/api/users/1");

        assertEquals(200, response.statusCode());
        assertEquals("{\"id\":1,\"name\":\"Ana\"}", response.body());
        assertEquals("application/json", contentType(response));
        assertEquals(1, users.received().size());
        assertEquals("GET", users.received().get(0).method());
        assertEquals("/users/1", users.received().get(0).target());
        assertTrue(orders.received().isEmpty());
        // RFC 9110 section 8.6: no Content-Length on a request whose method gives a body no meaning.
        assertEquals(null, users.received().get(0).header("Content-Length"));
    }

    @Test
    void head_upstreamAnswersWithLength_theGetsLengthPassedBackWithoutBody() {
        users.answer(FakeUpstream.json(200, "{\"id\":1,\"name\":\"Ana\"}"));

        HttpResponse<String> response = gateway.http.send(
                gateway.http.request("/api/users/1").method("HEAD", BodyPublishers.noBody()));

        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
        assertEquals("21", response.headers().firstValue("Content-Length").orElse(null));
        assertEquals("HEAD", users.received().get(0).method());
    }

    @Test
    void collection_bareAndWithQuery_forwardedWithQueryString() {
        users.answer(FakeUpstream.json(200, "{\"items\":[]}"));
        orders.answer(FakeUpstream.json(200, "{\"items\":[]}"));

        assertEquals(200, gateway.http.get("/api/users").statusCode());
        assertEquals(200, gateway.http.get("/api/orders?userId=3&limit=5&x=a%20b").statusCode());

        assertEquals("/users", users.received().get(0).target());
        assertEquals("/orders?userId=3&limit=5&x=a%20b", orders.received().get(0).target());
    }

    @Test
    void post_withBody_methodBodyAndContentTypeForwarded() {
        orders.answer(FakeUpstream.json(201, "{\"id\":9}"));
        String order = "{\"userId\":1,\"item\":\"caf\u00e9\",\"quantity\":2,\"unitPrice\":\"10.50\"}";

        HttpResponse<String> response = gateway.http.postJson("/api/orders", order);

        assertEquals(201, response.statusCode());
        assertEquals("{\"id\":9}", response.body());
        FakeUpstream.Received received = orders.received().get(0);
        assertEquals("POST", received.method());
        assertEquals("/orders", received.target());
        assertEquals(order, received.body());
        assertEquals("application/json", received.header("Content-Type"));
    }

    @Test
    void put_andDelete_passedThrough() {
        users.answer(FakeUpstream.json(405, "{}"));

        assertEquals(405, gateway.http.send(gateway.http.request("/api/users/1").PUT(BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")).statusCode());
        assertEquals(405, gateway.http.delete("/api/users/1").statusCode());

        assertEquals("PUT", users.received().get(0).method());
        assertEquals("{}", users.received().get(0).body());
        assertEquals("DELETE", users.received().get(1).method());
    }

    @Test
    void upstreamProblem_passedBackWithTheClientsPathAsInstance() {
        String body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no user with id 99\","
                + "\"instance\":\"/users/99\"}";
        users.answer(new FakeUpstream.Answer(404, "application/problem+json; charset=utf-8", body, Duration.ZERO));

        HttpResponse<String> response = gateway.http.get("/api/users/99");

        assertEquals(404, response.statusCode());
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals(body.replace("\"/users/99\"}", "\"/api/users/99\",\"requestId\":\"" + requestId + "\"}"),
                response.body());
        assertEquals("application/problem+json; charset=utf-8", contentType(response));
    }

    @Test
    void upstream500_passedBackNotRetried() {
        users.answer(FakeUpstream.json(500, "{\"oops\":true}"));

        HttpResponse<String> response = gateway.http.get("/api/users/1");

        assertEquals(500, response.statusCode());
        assertEquals("{\"oops\":true}", response.body());
        assertEquals(1, users.received().size());
    }

    @Test
    void responseHeaders_hopByHopStripped_endToEndKept() {
        users.answer(FakeUpstream.json(200, "{}")
                .withHeader("X-Served-By", "users-replica-a")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("Proxy-Authenticate", "Basic realm=x")
                .withHeader("Trailer", "X-Checksum")
                .withHeader("Upgrade", "h2c")
                .withHeader("Connection", "X-Upstream-Hop")
                .withHeader("X-Upstream-Hop", "internal")
                .withHeader("Cache-Control", "no-store"));

        HttpResponse<String> response = gateway.http.get("/api/users/1");

        assertEquals(200, response.statusCode());
        assertEquals("users-replica-a", response.headers().firstValue("X-Served-By").orElse(null));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        for (String hop : new String[] {"Keep-Alive", "Proxy-Authenticate", "Trailer", "Upgrade", "X-Upstream-Hop"}) {
            assertFalse(response.headers().firstValue(hop).isPresent(), hop + " reached the client");
        }
    }

    @Test
    void requestHeaders_hopByHopStripped_endToEndKept() {
        users.answer(FakeUpstream.json(200, "{}"));

        TestGateway.Raw response = gateway.raw("GET /api/users/1 HTTP/1.1",
                "Accept: application/json",
                "Authorization: Bearer abc",
                "Keep-Alive: timeout=5",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Upgrade: websocket",
                "Proxy-Authorization: Basic c2VjcmV0",
                "Proxy-Connection: keep-alive",
                "X-Client-Hop: private",
                "Connection: X-Client-Hop");

        assertEquals(200, response.status());
        FakeUpstream.Received received = users.received().get(0);
        assertEquals("application/json", received.header("Accept"));
        assertEquals("Bearer abc", received.header("Authorization"));
        for (String hop : new String[] {"Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
                "Proxy-Connection", "X-Client-Hop"}) {
            assertNull(received.header(hop), hop + " reached the upstream");
        }
        assertFalse("X-Client-Hop".equalsIgnoreCase(received.header("Connection")));
    }

    @Test
    void requestId_fromClient_forwardedAndReturned() {
        users.answer(FakeUpstream.json(200, "{}"));

        HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users/1")
                .header("X-Request-Id", "trace-42.a_b"));

        assertEquals("trace-42.a_b", response.headers().firstValue("X-Request-Id").orElse(null));
        assertEquals("trace-42.a_b", users.received().get(0).header("X-Request-Id"));
    }

    @Test
    void requestId_none_generatedForwardedAndReturned() {
        users.answer(FakeUpstream.json(200, "{}"));

        HttpResponse<String> response = gateway.http.get("/api/users/1");

        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(id.matches("[A-Za-z0-9._-]{1,64}"), id);
        assertEquals(id, users.received().get(0).header("X-Request-Id"));
    }

    @Test
    void forwardedFor_none_setToClientAddress() {
        users.answer(FakeUpstream.json(200, "{}"));

        gateway.http.get("/api/users/1");

        FakeUpstream.Received received = users.received().get(0);
        assertEquals("127.0.0.1", received.header("X-Forwarded-For"));
        assertEquals("http", received.header("X-Forwarded-Proto"));
        assertEquals("127.0.0.1:" + gateway.port(), received.header("X-Forwarded-Host"));
    }

    @Test
    void forwardedFor_validListFromAnUntrustedPeer_replacedByPeerAddress() {
        users.answer(FakeUpstream.json(200, "{}"));

        gateway.http.send(gateway.http.request("/api/users/1").header("X-Forwarded-For", "203.0.113.7, 2001:db8::1"));

        assertEquals("127.0.0.1", users.received().get(0).header("X-Forwarded-For"));
    }

    @Test
    void forwardedFor_notAnAddressList_replacedByClientAddress() {
        users.answer(FakeUpstream.json(200, "{}"));

        gateway.http.send(gateway.http.request("/api/users/1").header("X-Forwarded-For", "evil.example, <script>"));

        assertEquals("127.0.0.1", users.received().get(0).header("X-Forwarded-For"));
    }

    @Test
    void created_upstreamLocation_rewrittenToGatewayPath() {
        users.answer(new FakeUpstream.Answer(201, "application/json", "{\"id\":7}", Duration.ZERO)
                .withHeader("Location", "/users/7"));

        HttpResponse<String> response = gateway.http.postJson("/api/users", "{\"name\":\"A\",\"email\":\"a@b.c\"}");

        assertEquals(201, response.statusCode());
        assertEquals("/api/users/7", response.headers().firstValue("Location").orElse(null));
    }

    @Test
    void normalisedPath_doubleSlashesAndEncodedLetters_forwardedClean() {
        users.answer(FakeUpstream.json(200, "{}"));

        TestGateway.Raw response = gateway.raw("GET //api//%75sers///1 HTTP/1.1");

        assertEquals(200, response.status());
        assertEquals("/users/1", users.received().get(0).target());
    }

    @Test
    void unknownService_404Problem() {
        for (String path : new String[] {"/", "/api", "/api/", "/api/products/1", "/api/usersx", "/users/1", "/API/users"}) {
            problem(gateway.http.get(path), 404);
        }
        assertTrue(users.received().isEmpty());
        assertTrue(orders.received().isEmpty());
    }

    @Test
    void traceMethod_405WithAllow() {
        HttpResponse<String> response = gateway.http.send(gateway.http.request("/api/users/1")
                .method("TRACE", BodyPublishers.noBody()));

        problem(response, 405);
        assertNotNull(response.headers().firstValue("Allow").orElse(null));
        assertTrue(users.received().isEmpty());
    }
}
