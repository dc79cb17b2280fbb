package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Limits;
import dev.desafios.common.Response;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's head limits are its upstreams' less what it adds: the largest request it accepts
 * is served by an upstream that has the default limits, and one byte or one header more gets the
 * gateway's own 414/431 without reaching the upstream.
 */
class GatewayLimitsTest {
    /** What the gateway accepts: the upstream's defaults less the gateway's own headers. */
    private static final Limits GATEWAY = Limits.DEFAULTS.forProxy();
    /** TestGateway.raw sends Host and Connection first: 2 lines, 36 bytes. */
    private static final int RAW_LINES = 2;
    private static final int RAW_BYTES = 36;

    private final AtomicInteger served = new AtomicInteger();
    // A real service's router with the default limits, counting what reaches its handler.
    private final Server upstream = Server.start(0, new Router(65536, Limits.DEFAULTS)
            .get("/health", request -> Response.ok(new JsonObject().add("status", "UP")))
            .get("/users/{id}", request -> {
                served.incrementAndGet();
                return Response.ok(new JsonObject().add("from", "upstream"));
            }));
    @RegisterExtension
    final TestGateway gateway = TestGateway.with().pointPorts("users", upstream.port()).closing(upstream);

    /** Header lines of the given sizes (CRLF included), named X-00000, X-00001... */
    private static String[] headers(List<Integer> sizes) {
        var lines = new String[sizes.size()];
        for (int i = 0; i < lines.length; i++) {
            String name = String.format("X-%05d", i);
            lines[i] = name + ": " + "v".repeat(sizes.get(i) - name.length() - 4);
        }
        return lines;
    }

    /** The sizes of {@code count} lines adding up to {@code total} bytes, the first one {@code first}. */
    private static List<Integer> sizes(int count, int total, int first) {
        var sizes = new ArrayList<Integer>(List.of(first));
        int rest = total - first;
        for (int i = 1; i < count; i++) {
            int size = rest / (count - i);
            sizes.add(size);
            rest -= size;
        }
        return sizes;
    }

    /** A request line of exactly {@code bytes}, to a users route. */
    private static String line(int bytes) {
        String bare = "GET /api/users/1?q= HTTP/1.1";
        return "GET /api/users/1?q=" + "q".repeat(bytes - bare.length()) + " HTTP/1.1";
    }

    private void assertUpstreamAnswered(TestGateway.Raw answer, String what) {
        assertEquals(200, answer.status(), () -> what + ": " + answer.body());
        assertEquals("upstream", Json.parse(answer.body()).asObject().getString("from", null), what);
    }

    private void assertGatewayRefused(TestGateway.Raw answer, int status, String what) {
        assertEquals(status, answer.status(), () -> what + ": " + answer.body());
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), what);
        assertTrue(answer.body().length() < 1024, what);
        assertEquals(0, served.get(), what + ": reached the upstream");
    }

    @Test
    void largestAccepted_mostHeadersBiggestHeaderAndTotal_servedByTheUpstream() {
        int count = GATEWAY.maxHeaders() - RAW_LINES;
        int total = GATEWAY.maxHeadersBytes() - RAW_BYTES;
        String[] largest = headers(sizes(count, total, GATEWAY.maxHeaderBytes()));

        assertUpstreamAnswered(gateway.raw(line(GATEWAY.maxRequestLineBytes()), largest), "the largest request");
        assertEquals(1, served.get());
    }

    @Test
    void largestAccepted_eachLimitAlone_servedByTheUpstream() {
        assertUpstreamAnswered(gateway.raw(line(GATEWAY.maxRequestLineBytes())), "longest line");
        assertUpstreamAnswered(gateway.raw(line(64), headers(List.of(GATEWAY.maxHeaderBytes()))), "biggest header");
        int count = GATEWAY.maxHeaders() - RAW_LINES;
        assertUpstreamAnswered(gateway.raw(line(64), headers(sizes(count, count * 16, 16))), "most headers");
        int total = GATEWAY.maxHeadersBytes() - RAW_BYTES;
        assertUpstreamAnswered(gateway.raw(line(64), headers(sizes(6, total, total / 6))), "biggest total");
    }

    @Test
    void oneOver_eachLimit_theGatewaysOwnProblem() {
        assertGatewayRefused(gateway.raw(line(GATEWAY.maxRequestLineBytes() + 1)), 414, "line");
        assertGatewayRefused(gateway.raw(line(64), headers(List.of(GATEWAY.maxHeaderBytes() + 1))), 431, "header");
        int count = GATEWAY.maxHeaders() - RAW_LINES + 1;
        assertGatewayRefused(gateway.raw(line(64), headers(sizes(count, count * 16, 16))), 431, "count");
        int total = GATEWAY.maxHeadersBytes() - RAW_BYTES + 1;
        assertGatewayRefused(gateway.raw(line(64), headers(sizes(6, total, total / 6 + 1))), 431, "total");
    }
}
