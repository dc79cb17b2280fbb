package dev.desafios.sqlite;

import static dev.desafios.common.testing.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A page is bounded in bytes as well as in count, and says where the next begins. */
class NotesPageBytesTest {
    private static final int MAX_PAGE_BYTES = 128 * 1024;
    /** Each U+2028 is written as a six-byte escape: the JSON writer's worst case. */
    private static final String WORST_BODY = "\u2028".repeat(Note.New.MAX_BODY);

    @TempDir
    Path dir;

    @RegisterExtension
    final TestServer notes = new TestServer(() -> NotesService.start(TestServer.freePorts(Map.of(
            "DB_PATH", dir.resolve("notes.db").toString(), "MAX_PAGE_BYTES", String.valueOf(MAX_PAGE_BYTES)))));
    private final TestHttp http = notes.http();

    @Test
    void list_largestNotes_fewerPerPageWithinTheByteBoundAndNextOffsetToTheRest() {
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            created.add(0, create("worst " + i, WORST_BODY));
        }

        List<Long> listed = new ArrayList<>();
        Integer offset = 0;
        int pages = 0;
        while (offset != null) {
            HttpResponse<String> response = http.get("/notes?limit=100&offset=" + offset);
            int bytes = response.body().getBytes(StandardCharsets.UTF_8).length;
            JsonObject page = json(response, 200);
            List<Long> ids = NotesStoreFailureTest.listedIds(page);
            assertTrue(bytes <= MAX_PAGE_BYTES + 100, "a page of " + bytes + " bytes");
            assertFalse(ids.isEmpty(), page.get("offset").toString());
            assertEquals(100, page.getInt("limit", -1));
            listed.addAll(ids);
            offset = page.get("nextOffset") == null ? null : page.getInt("nextOffset", -1);
            if (offset != null) {
                assertEquals(listed.size(), offset.intValue(), "the next page starts after this one's items");
            }
            pages++;
        }

        assertEquals(created, listed, "every note once, newest first");
        assertTrue(pages >= 5, "two notes of about 60 KB a page: " + pages + " pages");
    }

    @Test
    void list_smallNotes_pagedByCountWithNextOffsetUntilTheLast() {
        for (int i = 0; i < 5; i++) {
            create("small " + i, "");
        }

        assertEquals(2, json(http.get("/notes?limit=2"), 200).getInt("nextOffset", -1));
        assertEquals(4, json(http.get("/notes?limit=2&offset=2"), 200).getInt("nextOffset", -1));
        JsonObject last = json(http.get("/notes?limit=2&offset=4"), 200);
        assertEquals(1, last.get("items").asArray().size());
        assertEquals(null, last.get("nextOffset"), "no page after the last");
        assertEquals(null, json(http.get("/notes?limit=5"), 200).get("nextOffset"), "exactly full, nothing after");
    }

    @Test
    void start_pageBoundBelowTheLargestNote_refused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.desafios.common.Config.ConfigException.class,
                () -> NotesService.start(TestServer.freePorts(Map.of("DB_PATH", dir.resolve("other.db").toString(),
                        "MAX_PAGE_BYTES", "1000"))));

        assertTrue(e.getMessage().startsWith("MAX_PAGE_BYTES="), e.getMessage());
    }

    private long create(String title, String body) {
        return json(http.postJson("/notes", new JsonObject().add("title", title).add("body", body).toString()), 201)
                .getLong("id", -1);
    }
}
