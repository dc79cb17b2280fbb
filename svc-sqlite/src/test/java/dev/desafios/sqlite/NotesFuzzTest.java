package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shared bad-input suite over every route of the notes service; the note written first always reads back. */
class NotesFuzzTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestServer notes = new TestServer(() -> NotesService.start(TestServer.freePorts(
            Map.of("DB_PATH", dir.resolve("notes.db").toString()))));
    private final TestHttp http = notes.http();
    private JsonObject existing;
    private BadInput fuzz;

    @BeforeEach
    void writeOne() {
        existing = json(http.postJson("/notes", "{\"title\":\"existing\",\"body\":\"keep me\"}"), 201);
        fuzz = new BadInput(notes.port(), this::assertNothingLost);
    }

    @Test
    void create_hostileBodies_4xxProblemNothingLost() {
        fuzz.bodies("POST", "/notes", new JsonObject().add("title", "t").add("body", "b"));
    }

    @Test
    void readAndDelete_hostilePathsAndQueries_4xxProblemNothingLost() {
        fuzz.targets("GET", BadInput.paths("/notes"));
        fuzz.targets("DELETE", BadInput.paths("/notes"));
        fuzz.queries("GET", BadInput.queries("/notes"));
        fuzz.bodies("DELETE", "/notes/" + (existing.getLong("id", 0) + 1000), new JsonObject().add("title", "t"));
    }

    @Test
    void everyRoute_hostileHeadersAndRequestLines_refusedOrServedNothingLost() {
        fuzz.headersAndRequestLines("POST", "/notes");
        fuzz.headersAndRequestLines("GET", "/notes/" + existing.getLong("id", 0));
        fuzz.headersAndRequestLines("DELETE", "/notes/0");
    }

    @Test
    void create_tenMebibyteBody_413WithoutReadingIt() {
        fuzz.tenMebibyteBody("POST", "/notes");
    }


    private void assertNothingLost() {
        assertEquals(existing, json(http.get("/notes/" + existing.getLong("id", 0)), 200));
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
