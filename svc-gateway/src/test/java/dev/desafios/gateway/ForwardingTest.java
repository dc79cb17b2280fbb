package dev.desafios.gateway;

import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.CapturedLog;
import dev.desafios.common.testing.FakeUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway is the edge: it writes the forwarding headers itself (a client's claims are dropped
 * unless it is a trusted proxy), passes response headers by allowlist with every value kept, and
 * no problem a client sees names an internal address.
 */
class ForwardingTest {
    private final FakeUpstream users = FakeUpstream.start().answer(FakeUpstream.json(200, "{}"));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().point("users", users).closing(users);

    @Test
    void spoofedForwardingHeaders_upstreamSeesThePeerOnly() {
        TestGateway.Raw response = gateway.raw("GET /api/users/1 HTTP/1.1",
                "X-Forwarded-For: 203.0.113.7",
                "X-Forwarded-For: 198.51.100.1",
                "Forwarded: for=203.0.113.7;proto=https",
                "X-Real-IP: 203.0.113.7",
                "X-Forwarded-Proto: https",
                "X-Forwarded-Port: 443",
                "X-Client-IP: 203.0.113.7",
                "True-Client-IP: 203.0.113.7");

        assertEquals(200, response.status());
        FakeUpstream.Received received = users.received().get(0);
        assertEquals("127.0.0.1", received.header("X-Forwarded-For"));
        assertEquals("http", received.header("X-Forwarded-Proto"));
        for (String spoof : List.of("Forwarded", "X-Real-IP", "X-Forwarded-Port", "X-Client-IP", "True-Client-IP")) {
            assertNull(received.header(spoof), spoof + " reached the upstream");
        }
    }

    @Test
    void accessLine_clientUpstreamItsTimeAndBytes() {
        List<String> lines = CapturedLog.during(() -> gateway.http.get("/api/users/1?line=1"),
                captured -> CapturedLog.requestLines(captured) == 1);

        JsonObject line = lines.stream().filter(l -> l.contains("\"path\":\"/api/users/1\"")).findFirst()
                .map(l -> Json.parse(l).asObject()).orElseThrow(() -> new AssertionError("no access line in " + lines));
        assertEquals("127.0.0.1", line.getString("client", null));
        assertEquals("127.0.0.1:" + users.port(), line.getString("upstream", null));
        assertTrue(line.getLong("upstreamMs", -1) >= 0, line.toString());
        assertEquals(2, line.getLong("upstreamBytes", -1), "the upstream's {}");
        assertEquals(2, line.getLong("bytes", -1));
    }

    @Test
    void accessLine_fieldsBelongToTheirOwnRequest() {
        List<String> lines = CapturedLog.during(() -> {
            gateway.http.get("/api/users/1");
            gateway.http.get("/api/users/%2e%2e/x");
        }, captured -> CapturedLog.requestLines(captured) == 2);

        String refused = lines.stream().filter(l -> l.contains("\"status\":400")).findFirst()
                .orElseThrow(() -> new AssertionError("no 400 line in " + lines));
        assertFalse(refused.contains("upstream"), "a request refused at the edge names no upstream: " + refused);
    }

    @Test
    void accessLine_behindATrustedProxy_theClientItNames() {
        gateway.restart(Map.of("TRUSTED_PROXIES", "127.0.0.1"));

        List<String> lines = CapturedLog.during(() -> gateway.http.send(
                gateway.http.request("/api/users/7").header("X-Forwarded-For", "203.0.113.7")),
                captured -> CapturedLog.requestLines(captured) == 1);

        assertTrue(lines.stream().anyMatch(l -> l.contains("\"path\":\"/api/users/7\"")
                && l.contains("\"client\":\"203.0.113.7\"")), lines.toString());
    }

    @Test
    void trustedProxy_itsListKeptAndPeerAppended() {
        gateway.restart(Map.of("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"));

        gateway.http.send(gateway.http.request("/api/users/1").header("X-Forwarded-For", "203.0.113.7, 10.1.2.3"));
        gateway.http.send(gateway.http.request("/api/users/1").header("X-Forwarded-For", "not an address"));

        assertEquals("203.0.113.7, 10.1.2.3, 127.0.0.1", users.received().get(0).header("X-Forwarded-For"));
        assertEquals("127.0.0.1", users.received().get(1).header("X-Forwarded-For"));
    }

    @Test
    void trustedProxies_clientIsTheRightmostUntrustedEntry() {
        var trusted = TrustedProxies.from(new dev.desafios.common.Config(Map.of("TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8")));

        assertEquals("203.0.113.7", trusted.client("198.51.100.1, 203.0.113.7, 10.9.9.9", "10.0.0.1"));
        assertEquals("192.0.2.1", trusted.client("203.0.113.7", "192.0.2.1"));
        assertEquals("fd00::1", trusted.forwardedFor(null, "fd00::1"));
        assertEquals("2001:db8::7, fd00::1", trusted.forwardedFor("2001:db8::7", "fd00::1"));
        assertEquals("192.0.2.1", trusted.forwardedFor("2001:db8::7", "192.0.2.1"));
    }

    @Test
    void trustedProxies_badEntry_stopsWithTheSettingsName() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.desafios.common.Config.ConfigException.class,
                () -> TrustedProxies.from(new dev.desafios.common.Config(Map.of("TRUSTED_PROXIES", "proxy.example"))));
        assertTrue(e.getMessage().contains("TRUSTED_PROXIES"), e.getMessage());
    }

    @Test
    void forwardedHost_onlyAWellFormedHost() {
        gateway.raw("GET /api/users/1 HTTP/1.1", "Host: evil.example\r\nX-Junk: 1");
        TestGateway.Raw bad = gateway.raw("GET /api/users/1 HTTP/1.1");

        assertEquals(200, bad.status());
        assertEquals("127.0.0.1", users.received().get(1).header("X-Forwarded-Host"));
    }

    @Test
    void responseHeaders_byAllowlist_everySetCookieKept() {
        users.answer(FakeUpstream.json(200, "{}")
                .withHeader("Set-Cookie", "a=1; Path=/; HttpOnly")
                .withHeader("Set-Cookie", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT")
                .withHeader("Server", "internal-users/1.0")
                .withHeader("X-Powered-By", "JDK")
                .withHeader("X-Internal-Host", "users-2:8080")
                .withHeader("ETag", "\"v1\"")
                .withHeader("Retry-After", "3"));

        HttpResponse<String> response = gateway.http.get("/api/users/1");

        assertEquals(List.of("a=1; Path=/; HttpOnly", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"),
                response.headers().allValues("Set-Cookie"));
        assertEquals("\"v1\"", response.headers().firstValue("ETag").orElse(null));
        assertEquals("3", response.headers().firstValue("Retry-After").orElse(null));
        for (String internal : List.of("Server", "X-Powered-By", "X-Internal-Host")) {
            assertFalse(response.headers().firstValue(internal).isPresent(), internal + " reached the client");
        }
    }

    @Test
    void upstreamProblemNamingAnInternalAddress_hostAloneInTheDetail() {
        users.answer(new FakeUpstream.Answer(502, "application/problem+json; charset=utf-8",
                "{\"type\":\"about:blank\",\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"users:8080 refused the connection from 172.18.0.5:41234\","
                        + "\"instance\":\"/users/1\"}", Duration.ZERO));

        JsonObject problem = problem(gateway.http.get("/api/users/1?x=1"), 502);

        assertEquals("users refused the connection from an internal address", problem.getString("detail", null));
        assertEquals("/api/users/1", problem.getString("instance", null));
    }

    @Test
    void gatewaysOwnProblems_nameTheServiceNeverItsAddress() {
        int port = users.port();
        users.close();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = gateway.http.get("/api/users/1");
            assertTrue(response.statusCode() == 502 || response.statusCode() == 503, response.body());
            assertFalse(response.body().contains("127.0.0.1") || response.body().contains(":" + port)
                    || response.body().contains("8080"), response.body());
        }
    }
}
