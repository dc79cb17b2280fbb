package dev.desafios.users;

import com.eclipsesource.json.JsonObject;
import java.util.Map;

/**
 * UsersServiceTest again with {@code DB_URL} set, against the real PostgreSQL: create, read, list,
 * duplicates and the replica header, the same answers from a database.
 */
class UsersServicePostgresIT extends UsersServiceTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return UsersDatabase.fresh(env);
    }

    @Override
    JsonObject healthChecks() {
        return new JsonObject().add("postgres", "UP");
    }
}
