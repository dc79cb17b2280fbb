package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.RawHttp;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LimitsTest {
    @RegisterExtension
    final TestServer server = new TestServer(() -> Server.start(0, new Router(65536, Limits.DEFAULTS)
            .get("/ok", request -> Response.ok(new JsonObject().add("ok", true)))));
    private final TestHttp http = server.http();
    private final RawHttp raw = new RawHttp(server::port);

    /** A raw GET of the target with these header lines (after Host and Connection, 36 bytes). */
    private RawHttp.Raw get(String target, String headers) {
        String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n";
        return raw.rawBytes(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code count} header lines of exactly {@code size} bytes each, CRLF included. */
    private static String headers(int count, int size) {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String name = String.format("X-%05d", i);
            text.append(name).append(": ").append("v".repeat(size - name.length() - 4)).append("\r\n");
        }
        return text.toString();
    }

    /** A path that makes the request line exactly {@code bytes} long. */
    private static String targetForLine(int bytes) {
        return "/ok?" + "q".repeat(bytes - "GET /ok? HTTP/1.1".length());
    }

    private static void assertSmallProblem(RawHttp.Raw answer, int status) {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), answer.header("Content-Type"));
        assertTrue(answer.body().length() < 1024, "a small body: " + answer.body().length());
        assertEquals(status, Json.parse(answer.body()).asObject().getInt("status", -1));
    }

    @Test
    void requestLine_atTheLimit_served() {
        assertEquals(200, get(targetForLine(8192), "").status());
    }

    @Test
    void requestLine_oneByteOver_414SmallProblem() {
        assertSmallProblem(get(targetForLine(8193), ""), 414);
    }

    @Test
    void requestLine_hundredsOfKilobytes_closedOrSmallAnswerAndStillServing() {
        RawHttp.Raw answer = get("/" + "a".repeat(300 * 1024), "");

        assertTrue(answer.status() == 0 || answer.body().length() < 1024, "status " + answer.status());
        assertEquals(200, http.get("/ok").statusCode());
    }

    @Test
    void header_atTheLimit_served() {
        assertEquals(200, get("/ok", headers(1, 8192)).status());
    }

    @Test
    void header_oneByteOver_431SmallProblem() {
        assertSmallProblem(get("/ok", headers(1, 8193)), 431);
    }

    @Test
    void headers_totalAtTheLimit_served() {
        // Host and Connection take 36 bytes; four headers of 8 KiB less them fill the rest.
        assertEquals(200, get("/ok", headers(3, 8192) + headers(1, 8192 - 36)).status());
    }

    @Test
    void headers_totalOver_431() {
        assertSmallProblem(get("/ok", headers(5, 8000)), 431);
    }

    @Test
    void headers_fortyKibibytes_431() {
        assertSmallProblem(get("/ok", headers(10, 4096)), 431);
    }

    @Test
    void headers_hundredWithHostAndConnection_served() {
        assertEquals(200, get("/ok", headers(98, 16)).status());
    }

    @Test
    void headers_oneTooMany_431NotAClosedConnection() {
        assertSmallProblem(get("/ok", headers(99, 16)), 431);
    }

    @Test
    void headers_oneNameRepeated_eachLineCounted() {
        assertSmallProblem(get("/ok", "X-A: v\r\n".repeat(200)), 431);
    }

    @Test
    void headers_tenThousandTiny_closedOrRefusedAndStillServing() {
        RawHttp.Raw answer = get("/ok", headers(10_000, 12));

        assertTrue(answer.status() == 0 || answer.status() == 431, "status " + answer.status());
        assertEquals(200, http.get("/ok").statusCode());
    }

    @Test
    void header_hugeRequestId_notEchoed() {
        RawHttp.Raw answer = get("/ok", "X-Request-Id: " + "a".repeat(9000) + "\r\n");

        assertSmallProblem(answer, 431);
        assertTrue(answer.header("X-Request-Id").matches("[0-9a-f]{16}"), answer.header("X-Request-Id"));
    }

    @Test
    void instance_longPath_cutShortWithAnEllipsis() {
        String path = "/" + "p".repeat(4000);
        RawHttp.Raw answer = get(path, "");

        assertEquals(404, answer.status());
        String instance = Json.parse(answer.body()).asObject().getString("instance", null);
        assertEquals(path.substring(0, Problem.ECHO_CHARS) + "...", instance);
    }

    @Test
    void from_settings_readAndChecked() {
        var limits = new Config(Map.of("MAX_REQUEST_LINE_BYTES", "4096", "MAX_HEADER_BYTES", "2048",
                "MAX_HEADERS_BYTES", "16384", "MAX_HEADERS", "50")).limits();

        assertEquals(new Limits(4096, 2048, 16384, 50), limits);
        assertEquals(Limits.DEFAULTS, new Config(Map.of()).limits());
        var error = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("MAX_HEADERS", "\uFF15\uFF10")).limits());
        assertTrue(error.getMessage().startsWith("MAX_HEADERS="), error.getMessage());
        assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("MAX_HEADER_BYTES", "8192", "MAX_HEADERS_BYTES", "4096")).limits());
    }

    @Test
    void less_margin_subtractedFromEveryLimit() {
        assertEquals(new Limits(7192, 7192, 31768, 90), Limits.DEFAULTS.less(10, 1000));
    }

    @Test
    void jdkCaps_aboveTheHandlerLimitsAndSmall() {
        Limits limits = Limits.DEFAULTS;
        int handlerMost = limits.maxRequestLineBytes() + limits.maxHeadersBytes() + 32 * (limits.maxHeaders() + 1);

        assertTrue(limits.jdkHeadSizeCap() > handlerMost && limits.jdkHeadSizeCap() <= 2 * handlerMost);
        assertTrue(limits.jdkHeaderNamesCap() > limits.maxHeaders());
    }

    @Test
    void queryWhole_nonAsciiDigits_400() {
        var router = new Router(65536, Limits.DEFAULTS).get("/n", request ->
                Response.ok(new JsonObject().add("n", request.queryWhole("limit", 20, 1, 100))));
        server.restart(() -> Server.start(0, router));

        assertEquals(5, json(http.get("/n?limit=5"), 200).getInt("n", -1));
        for (String bad : new String[] {"%EF%BC%95", "%D9%A5", "%E0%A5%AB", "5%E2%80%8B", "%20%205"}) {
            assertEquals(400, http.get("/n?limit=" + bad).statusCode(), bad);
        }
    }
}
