package dev.desafios.users;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.StrictJson;
import dev.desafios.common.Problem;
import java.util.Set;

/** A stored user. */
record User(long id, String name, String email, String createdAt) {

    /** What a client may send: the server sets {@code id} and {@code createdAt}. */
    record New(String name, String email) {
        static final int MAX_NAME = 100;
        private static final Set<String> FIELDS = Set.of("name", "email");

        static New fromJson(JsonObject json) {
            String name = StrictJson.string(json, "name").strip();
            String email = StrictJson.string(json, "email");
            int length = name.codePointCount(0, name.length());
            if (length < 1 || length > MAX_NAME) {
                throw Problem.badRequest("field 'name' must have 1 to " + MAX_NAME + " characters");
            }
            // StrictJson.string has refused lone surrogates already; a name holds no control characters.
            if (name.codePoints().anyMatch(Character::isISOControl)) {
                throw Problem.badRequest("field 'name' must not contain control characters");
            }
            return new New(name, Email.normalise(email));
        }

        static Set<String> fields() {
            return FIELDS;
        }
    }

    JsonObject toJson() {
        return new JsonObject().add("id", id).add("name", name).add("email", email).add("createdAt", createdAt);
    }
}
