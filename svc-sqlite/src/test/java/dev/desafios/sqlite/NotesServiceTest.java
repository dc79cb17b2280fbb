package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Config;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The notes service on a real SQLite file: create, read, list, delete, restart. */
class NotesServiceTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestServer notes = new TestServer(() -> NotesService.start(TestServer.freePorts(
            Map.of("DB_PATH", dir.resolve("notes.db").toString()))));
    private final TestHttp http = notes.http();

    @Test
    void create_validNote_201WithLocationIdAndCreatedAt() {
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> response = http.postJson("/notes", "{\"title\":\"Shopping\",\"body\":\"milk, eggs\"}");

        JsonObject note = json(response, 201);
        long id = note.getLong("id", -1);
        assertTrue(id > 0, note.toString());
        assertEquals("/notes/" + id, response.headers().firstValue("Location").orElse(null));
        assertEquals("Shopping", note.getString("title", null));
        assertEquals("milk, eggs", note.getString("body", null));
        Instant createdAt = Instant.parse(note.getString("createdAt", null));
        assertFalse(createdAt.isBefore(before), createdAt.toString());
        assertTrue(createdAt.isBefore(Instant.now().plus(Duration.ofSeconds(1))), createdAt.toString());
        assertEquals(4, note.size(), note.toString());
        assertTrue(Files.exists(dir.resolve("notes.db")));
    }

    @Test
    void get_createdNote_sameAsCreated() {
        HttpResponse<String> created = http.postJson("/notes", "{\"title\":\"Caf\u00e9 \u2615 \ud83d\ude00\",\"body\":\"line 1\\nline 2\"}");
        JsonObject note = json(created, 201);

        JsonObject fetched = json(http.get(created.headers().firstValue("Location").orElseThrow()), 200);

        assertEquals(note, fetched);
        assertEquals("Caf\u00e9 \u2615 \ud83d\ude00", fetched.getString("title", null));
        assertEquals("line 1\nline 2", fetched.getString("body", null));
    }

    @Test
    void create_oddButValidText_storedExactlyAsSent() {
        for (String body : new String[] {"a\u0000b", "tab\tcr\r\nlf\n", "esc\u001b[31m", "\uFEFFbom",
                "\uFFFF\uFFFE end", "\ud83d\ude00\ud83d\ude00", "\u202eright-to-left", "c1 \u0085"}) {
            JsonObject created = json(http.postJson("/notes",
                    new JsonObject().add("title", "odd").add("body", body).toString()), 201);

            JsonObject fetched = json(http.get("/notes/" + created.getLong("id", -1)), 200);

            assertEquals(body, fetched.getString("body", null), visible(body));
            assertEquals(created, fetched);
        }
    }

    private static String visible(String text) {
        return text.codePoints().mapToObj(c -> c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
                : Character.toString(c)).reduce("", String::concat);
    }

    @Test
    void create_withoutBody_bodyIsEmpty() {
        assertEquals("", json(http.postJson("/notes", "{\"title\":\"t\"}"), 201).getString("body", null));
    }

    @Test
    void create_longestTitleAndBody_accepted() {
        String title = "\ud83d\ude00".repeat(200);
        String body = "b".repeat(10_000);

        JsonObject note = json(http.postJson("/notes",
                new JsonObject().add("title", title).add("body", body).toString()), 201);

        assertEquals(title, note.getString("title", null));
        assertEquals(body, json(http.get("/notes/" + note.getLong("id", -1)), 200).getString("body", null));
    }

    @Test
    void list_empty_itemsEmptyWithDefaults() {
        assertEquals(new JsonObject().add("items", new JsonArray()).add("limit", 20).add("offset", 0),
                json(http.get("/notes"), 200));
    }

    @Test
    void list_manyNotes_newestFirstWithLimitAndOffset() {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(create("note " + i));
        }

        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)), listedIds("/notes"));
        assertEquals(List.of(ids.get(3), ids.get(2)), listedIds("/notes?limit=2&offset=1"));
        assertEquals(List.of(ids.get(0)), listedIds("/notes?limit=100&offset=4"));
        assertEquals(List.of(), listedIds("/notes?offset=5"));

        JsonObject page = json(http.get("/notes?limit=2&offset=1"), 200);
        assertEquals(2, page.getInt("limit", -1));
        assertEquals(1, page.getInt("offset", -1));
        assertEquals("note 4", page.get("items").asArray().get(0).asObject().getString("title", null));
    }

    @Test
    void list_badLimitOrOffset_400() {
        for (String query : new String[] {"limit=0", "limit=101", "limit=-1", "limit=abc", "offset=-1"}) {
            problem(http.get("/notes?" + query), 400);
        }
    }

    @Test
    void delete_existingNote_204ThenGone() {
        long id = create("to delete");
        long kept = create("to keep");

        HttpResponse<String> deleted = http.delete("/notes/" + id);

        assertEquals(204, deleted.statusCode());
        assertEquals("", deleted.body());
        problem(http.get("/notes/" + id), 404);
        problem(http.delete("/notes/" + id), 404);
        assertEquals(List.of(kept), listedIds("/notes"));
    }

    @Test
    void get_unknownId_404() {
        create("only one");

        problem(http.get("/notes/999999"), 404);
        problem(http.get("/notes/0"), 404);
        problem(http.delete("/notes/999999"), 404);
    }

    @Test
    void get_nonNumericOrOversizedId_404() {
        problem(http.get("/notes/abc"), 404);
        problem(http.get("/notes/1abc"), 404);
        problem(http.get("/notes/-1"), 404);
        problem(http.get("/notes/99999999999999999999"), 404);
        problem(http.delete("/notes/abc"), 404);
        problem(http.get("/notes/1/extra"), 404);
    }

    @Test
    void notes_wrongMethod_405WithAllow() {
        HttpResponse<String> put = http.send(http.request("/notes/1").PUT(BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json"));
        problem(put, 405);
        assertEquals("GET, HEAD, DELETE", put.headers().firstValue("Allow").orElse(null));

        HttpResponse<String> delete = http.delete("/notes");
        problem(delete, 405);
        assertEquals("POST, GET, HEAD", delete.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void health_databaseOpen_200UpWithSqliteCheck() {
        assertEquals(new JsonObject().add("status", "UP").add("checks", new JsonObject().add("sqlite", "UP")),
                json(http.get("/health"), 200));
    }

    @Test
    void restart_sameFile_keepsNotesAndNeverReusesIds() {
        long first = create("survives");
        long second = create("deleted before restart");
        assertEquals(204, http.delete("/notes/" + second).statusCode());
        JsonObject before = json(http.get("/notes/" + first), 200);

        notes.restart();

        assertEquals(before, json(http.get("/notes/" + first), 200));
        problem(http.get("/notes/" + second), 404);
        assertEquals(List.of(first), listedIds("/notes"));
        assertTrue(create("after restart") > second, "ids are never reused");
    }

    @Test
    void start_portNotANumber_configErrorNamingPort() {
        var e = assertThrows(Config.ConfigException.class,
                () -> NotesService.start(Map.of("PORT", "abc", "DB_PATH", dir.resolve("other.db").toString())));

        assertTrue(e.getMessage().startsWith("PORT="), e.getMessage());
    }

    @Test
    void start_databaseDirectoryMissing_badSettingNamingThePath() {
        String path = dir.resolve("missing").resolve("notes.db").toString();

        // A bad setting: Services.run prints its one line and exits 2, no stack trace.
        var e = assertThrows(Config.ConfigException.class,
                () -> NotesService.start(TestServer.freePorts(Map.of("DB_PATH", path))));

        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    private long create(String title) {
        return json(http.postJson("/notes", new JsonObject().add("title", title).toString()), 201).getLong("id", -1);
    }

    private List<Long> listedIds(String path) {
        List<Long> ids = new ArrayList<>();
        for (JsonValue item : json(http.get(path), 200).get("items").asArray()) {
            ids.add(item.asObject().getLong("id", -1));
        }
        return ids;
    }
}
