package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Server;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write is answered 2xx only once it is committed, against a real SQLite file: a full
 * database (SQLite's max_page_count, set by DB_MAX_BYTES, fails exactly as a full disk does,
 * with SQLITE_FULL) is a 507, a store that cannot be written another way a 503, and the health
 * check says DOWN while writes fail and UP once they succeed again.
 */
class NotesStoreFailureTest {
    private static final String BIG_BODY = "x".repeat(Note.New.MAX_BODY);

    @TempDir
    Path dir;

    private Server server;
    private TestHttp http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
            http.close();
        }
    }

    @Test
    void create_databaseFull_507NeverA201ThenRecoversWhenSpaceReturns() {
        start(Map.of("DB_MAX_BYTES", String.valueOf(256 * 1024)));
        List<Long> stored = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            HttpResponse<String> response = post("fill " + i);
            if (response.statusCode() == 201) {
                stored.add(json(response, 201).getLong("id", -1));
            } else {
                refused = response;
            }
        }

        assertTrue(refused != null, "the database never filled");
        JsonObject full = problem(refused, 507);
        assertTrue(full.getString("detail", "").contains("full"), full.toString());
        assertTrue(stored.size() > 3, "stored " + stored.size());
        problem(post("one more"), 507);
        assertEquals(new HashSet<>(stored).size(), stored.size(), "an id was given twice: " + stored);
        for (long id : stored) {
            assertEquals(id, json(http.get("/notes/" + id), 200).getLong("id", -1));
        }
        JsonObject down = json(http.get("/health"), 503);
        assertEquals("DOWN", down.get("checks").asObject().getString("sqlite", null), down.toString());

        // Space returns: deleting notes frees pages for new ones, with no restart.
        for (long id : stored.subList(0, 4)) {
            assertEquals(204, http.delete("/notes/" + id).statusCode());
        }
        json(http.get("/health"), 200);
        long after = json(post("after space returned"), 201).getLong("id", -1);
        assertTrue(after > stored.get(stored.size() - 1), "an id after the deletes is new: " + after + " vs " + stored);
    }

    @Test
    void create_databaseLockedByAnotherProcess_503AndHealthDownUntilReleased() throws SQLException {
        start(Map.of());
        long before = json(post("before the lock"), 201).getLong("id", -1);

        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("notes.db"));
                Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            problem(post("while locked"), 503);
            json(http.get("/health"), 503);
            st.execute("ROLLBACK");
        }

        json(http.get("/health"), 200);
        long after = json(post("after the lock"), 201).getLong("id", -1);
        assertEquals(before + 1, after, "the refused note took no id");
        assertEquals(List.of(after, before), listedIds(json(http.get("/notes"), 200)));
    }

    @Test
    void open_databaseOfAnEarlierVersion_skipsTheIdItMayHaveHandedOutUnstored() throws SQLException {
        String path = dir.resolve("notes.db").toString();
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + path);
                Statement st = old.createStatement()) {
            // The schema as versions before 1 made it, with user_version 0.
            st.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
                    + " body TEXT NOT NULL, created_at TEXT NOT NULL)");
            for (int i = 0; i < 3; i++) {
                st.execute("INSERT INTO notes (title, body, created_at) VALUES ('old', '', '2026-01-01T00:00:00Z')");
            }
        }
        start(Map.of());

        assertEquals(5, json(post("first of this version"), 201).getLong("id", -1), "id 4 may be in a client's hands");
        server.stop();
        http.close();
        start(Map.of());
        assertEquals(6, json(post("after a restart"), 201).getLong("id", -1), "the id is skipped once");
    }

    @Test
    void open_databaseOfAnEarlierVersionOnAFullDisk_startsReadsRefusesWritesThenUpgradesOnceThereIsSpace()
            throws SQLException {
        String path = dir.resolve("notes.db").toString();
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + path);
                Statement st = old.createStatement()) {
            st.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
                    + " body TEXT NOT NULL, created_at TEXT NOT NULL)");
            st.execute("INSERT INTO notes (title, body, created_at) VALUES ('old', '', '2026-01-01T00:00:00Z')");
        }
        // A bound below the file's size holds it at its size: the upgrade needs a page more.
        start(Map.of("DB_MAX_BYTES", "4096"));

        assertEquals(List.of(1L), listedIds(json(http.get("/notes"), 200)));
        problem(post("no room"), 507);
        json(http.get("/health"), 503);
        server.stop();
        http.close();
        start(Map.of());

        json(http.get("/health"), 200);
        assertEquals(3, json(post("room again"), 201).getLong("id", -1), "id 2 may be in a client's hands");
    }

    @Test
    void delete_thenCreate_idsNeverReused() {
        start(Map.of());
        long first = json(post("a"), 201).getLong("id", -1);
        long second = json(post("b"), 201).getLong("id", -1);
        assertEquals(204, http.delete("/notes/" + second).statusCode());

        long third = json(post("c"), 201).getLong("id", -1);

        assertEquals(List.of(first + 1, first + 2), List.of(second, third));
    }

    private HttpResponse<String> post(String title) {
        return http.postJson("/notes", new JsonObject().add("title", title).add("body", BIG_BODY).toString());
    }

    static List<Long> listedIds(JsonObject page) {
        List<Long> ids = new ArrayList<>();
        page.get("items").asArray().forEach(item -> ids.add(item.asObject().getLong("id", -1)));
        return ids;
    }

    private void start(Map<String, String> extra) {
        var env = new java.util.HashMap<>(extra);
        env.put("DB_PATH", dir.resolve("notes.db").toString());
        server = NotesService.start(TestServer.freePorts(env));
        http = new TestHttp(server.port());
    }
}
