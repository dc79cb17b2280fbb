package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.StrictJson;
import dev.desafios.common.Problem;
import java.util.Set;

/** A stored note. */
record Note(long id, String title, String body, String createdAt) {
    /** The most characters a stored note holds (title and body; a surrogate pair counts two). */
    static final int MAX_CHARS = 2 * (New.MAX_TITLE + New.MAX_BODY);
    /** The most bytes a stored note takes in the database: four bytes of UTF-8 per code point, and its date. */
    static final int MAX_STORED_BYTES = 4 * (New.MAX_TITLE + New.MAX_BODY) + 64;

    /** What a client may send: the server sets {@code id} and {@code createdAt}. */
    record New(String title, String body) {
        static final int MAX_TITLE = 200;
        static final int MAX_BODY = 10_000;
        private static final Set<String> FIELDS = Set.of("title", "body");

        static New fromJson(JsonObject json) {
            String title = StrictJson.string(json, "title").strip();
            String body = StrictJson.string(json, "body", "");
            int titleLength = title.codePointCount(0, title.length());
            if (titleLength < 1 || titleLength > MAX_TITLE) {
                throw Problem.badRequest("field 'title' must have 1 to " + MAX_TITLE + " characters");
            }
            if (title.chars().anyMatch(Character::isISOControl)) {
                throw Problem.badRequest("field 'title' must not contain control characters");
            }
            if (body.codePointCount(0, body.length()) > MAX_BODY) {
                throw Problem.badRequest("field 'body' must have at most " + MAX_BODY + " characters");
            }
            return new New(title, body);
        }

        static Set<String> fields() {
            return FIELDS;
        }
    }

    JsonObject toJson() {
        return new JsonObject().add("id", id).add("title", title).add("body", body).add("createdAt", createdAt);
    }
}
