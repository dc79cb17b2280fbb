package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.CapturedLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTest {
    private static List<String> captured(Runnable logging) {
        return CapturedLog.during(logging);
    }

    @Test
    void request_hostileValues_oneValidJsonLineWithTheValuesIntact() {
        String path = "/a\"b\\c\n\r\t\u0001\u2028é😀";
        List<String> lines = captured(() -> Log.request("GET", path, 404, 12, "id-1"));

        assertEquals(1, lines.size(), "one line, its newline escaped: " + lines);
        JsonObject line = Json.parse(lines.get(0)).asObject();
        assertEquals("request", line.getString("msg", null));
        assertEquals("INFO", line.getString("level", null));
        assertEquals("GET", line.getString("method", null));
        assertEquals(path, line.getString("path", null));
        assertEquals(404, line.getInt("status", -1));
        assertEquals(12, line.getLong("ms", -1));
        assertEquals("id-1", line.getString("requestId", null));
    }

    @Test
    void request_clientBytesAndHandlerFields_afterTheUsualOnes() {
        var extra = new LinkedHashMap<String, Object>();
        extra.put("upstream", "10.0.0.5:8080 \"x\"");
        extra.put("upstreamMs", 7L);
        List<String> lines = captured(() -> Log.request("GET", "/api/users/1", 200, 9, "id-2", "192.0.2.1", 42, extra));

        JsonObject line = Json.parse(lines.get(0)).asObject();
        assertEquals("192.0.2.1", line.getString("client", null));
        assertEquals(42, line.getLong("bytes", -1));
        assertEquals("10.0.0.5:8080 \"x\"", line.getString("upstream", null));
        assertEquals(7, line.getLong("upstreamMs", -1));
        assertTrue(lines.get(0).contains("\"path\":\"/api/users/1\",\"status\":200"), "path then status, as scripts read them");
    }

    @Test
    void info_fields_keptWithTheirJsonTypes() {
        List<String> lines = captured(() -> Log.info("upstream addresses",
                new JsonObject().add("n", 3).add("up", true).add("name", "users\"x")));

        JsonObject line = Json.parse(lines.get(0)).asObject();
        assertEquals(3, line.getInt("n", -1));
        assertTrue(line.getBoolean("up", false));
        assertEquals("users\"x", line.getString("name", null));
    }

    @Test
    void request_hugeClientValues_eachFieldCutShort() {
        String huge = "x".repeat(300_000);
        List<String> lines = captured(() -> {
            Log.request(huge, "/" + huge, 414, 1, huge);
            Log.info("m" + huge, new JsonObject().add("field", huge).add(huge, 1));
        });

        assertEquals(2, lines.size());
        for (String text : lines) {
            assertTrue(text.length() < 2048, "a short line: " + text.length());
            Json.parse(text);
        }
        JsonObject line = Json.parse(lines.get(0)).asObject();
        assertEquals(huge.substring(0, Problem.ECHO_CHARS) + "...", line.getString("method", null));
        assertEquals(Problem.ECHO_CHARS + 3, line.getString("path", "").length());
    }

    @Test
    void request_manyLinesOverTheQueuedBytes_allWrittenInOrder() {
        int count = 40_000;
        List<String> lines = captured(() -> {
            for (int i = 0; i < count; i++) {
                Log.request("GET", "/" + i + "/" + "p".repeat(200), 200, 0, "id");
            }
        });

        assertEquals(count, lines.size());
        assertTrue(lines.get(count - 1).contains("\"/" + (count - 1) + "/"), lines.get(count - 1));
    }

    @Test
    void printStackTrace_hugeMessage_cutShort() {
        PrintStream original = System.err;
        var bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Log.printStackTrace(new IllegalStateException("m".repeat(300_000), new RuntimeException("c".repeat(300_000))));
        } finally {
            System.setErr(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.length() < 20_000, "a short trace: " + text.length());
        assertTrue(text.contains("Caused by: java.lang.RuntimeException: ccc"), text.substring(0, 400));
    }

    @Test
    void timestamp_isoInstantWithMicroseconds() {
        for (Instant at : List.of(Instant.parse("2026-11-23T09:44:33.868790565Z"),
                Instant.parse("2026-11-23T09:44:33.000005Z"), Instant.parse("2026-11-23T09:44:34Z"))) {
            String text = Log.appendTimestamp(new StringBuilder(), at).toString();

            assertEquals(27, text.length(), text);
            assertEquals(at.truncatedTo(ChronoUnit.MICROS), Instant.parse(text));
        }
    }
}
