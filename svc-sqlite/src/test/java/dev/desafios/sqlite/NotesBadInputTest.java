package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to POST /notes: always a 4xx problem, never a write, and the service stays healthy. */
class NotesBadInputTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestServer notes = new TestServer(() -> NotesService.start(TestServer.freePorts(
            Map.of("DB_PATH", dir.resolve("notes.db").toString()))));
    private final TestHttp http = notes.http();
    private JsonObject existing;

    @BeforeEach
    void writeOne() {
        existing = json(http.postJson("/notes", "{\"title\":\"existing\",\"body\":\"keep me\"}"), 201);
    }

    @Test
    void create_malformedJson_400() {
        assertRejected(400, "{\"title\":");
        assertRejected(400, "{\"title\":\"t\",}");
        assertRejected(400, "{title:\"t\"}");
        assertRejected(400, "not json");
        assertRejected(400, "[\"title\"]");
    }

    @Test
    void create_wrongTypes_400() {
        assertRejected(400, "{\"title\":5}");
        assertRejected(400, "{\"title\":true}");
        assertRejected(400, "{\"title\":[\"t\"]}");
        assertRejected(400, "{\"title\":{\"t\":1}}");
        assertRejected(400, "{\"title\":\"t\",\"body\":42}");
        assertRejected(400, "{\"title\":\"t\",\"body\":[]}");
        assertRejected(400, "{\"title\":null}");
        assertRejected(400, "{\"title\":1e9999999999}");
    }

    @Test
    void create_unknownField_400NamingIt() {
        for (String field : new String[] {"id", "createdAt", "author"}) {
            JsonObject problem = assertRejected(400, "{\"title\":\"t\",\"" + field + "\":1}");
            assertTrue(problem.getString("detail", "").contains(field), problem.toString());
        }
    }

    @Test
    void create_duplicateField_400() {
        assertRejected(400, "{\"title\":\"a\",\"title\":\"b\"}");
    }

    @Test
    void create_emptyBodyOrObject_400() {
        assertRejected(400, "");
        assertRejected(400, "{}");
    }

    @Test
    void create_oneMebibyteBody_413() {
        String huge = new JsonObject().add("title", "t").add("body", "x".repeat(1024 * 1024)).toString();

        assertRejected(413, huge);
    }

    @Test
    void create_oneMebibyteChunkedBody_413() {
        byte[] huge = new JsonObject().add("title", "t").add("body", "x".repeat(1024 * 1024)).toString()
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http.post("/notes", "application/json",
                BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)));

        problem(response, 413);
        assertNothingLost();
    }

    @Test
    void create_wrongContentType_415() {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
            problem(http.post("/notes", type, BodyPublishers.ofString("{\"title\":\"t\"}")), 415);
        }
        problem(http.post("/notes", null, BodyPublishers.ofString("{\"title\":\"t\"}")), 415);
        assertNothingLost();
    }

    @Test
    void create_titleEmptyOrBlank_400() {
        assertRejected(400, "{\"title\":\"\"}");
        assertRejected(400, "{\"title\":\"   \"}");
    }

    @Test
    void create_title201Characters_400() {
        assertRejected(400, new JsonObject().add("title", "t".repeat(201)).toString());
        assertRejected(400, new JsonObject().add("title", "\ud83d\ude00".repeat(201)).toString());
    }

    @Test
    void create_body10001Characters_400() {
        assertRejected(400, new JsonObject().add("title", "t").add("body", "b".repeat(10_001)).toString());
    }

    @Test
    void create_controlCharactersInTitle_400() {
        for (String title : new String[] {"a\u0000b", "line\nbreak", "bell\u0007", "del\u007f", "esc\u001b[31m"}) {
            assertRejected(400, new JsonObject().add("title", title).toString());
        }
    }

    @Test
    void create_loneSurrogateInTitleOrBody_400NothingStored() {
        for (String escaped : new String[] {"\\ud800", "\\udfff", "half \\ud83d", "\\ude00 half"}) {
            assertRejected(400, "{\"title\":\"" + escaped + "\"}");
            assertRejected(400, "{\"title\":\"t\",\"body\":\"" + escaped + "\"}");
        }
    }

    @Test
    void create_deeplyNested_400() {
        assertRejected(400, "[".repeat(10_000));
        assertRejected(400, "{\"title\":" + "[".repeat(10_000));
    }

    @Test
    void create_invalidUtf8_400() {
        byte[] body = {'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};

        problem(http.post("/notes", "application/json", BodyPublishers.ofByteArray(body)), 400);
        assertNothingLost();
    }

    /** Posts the body, asserts the problem, and that the stored notes are exactly as before. */
    private JsonObject assertRejected(int status, String body) {
        JsonObject problem = problem(http.postJson("/notes", body), status);
        assertNothingLost();
        return problem;
    }

    private void assertNothingLost() {
        JsonObject list = json(http.get("/notes"), 200);
        assertEquals(1, list.get("items").asArray().size(), list.toString());
        assertEquals(existing, list.get("items").asArray().get(0));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
