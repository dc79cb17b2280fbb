package dev.desafios.users;

import java.util.Map;

/**
 * UsersFuzzTest again with {@code DB_URL} set, against the real PostgreSQL: the shared bad-input table, the
 * same answers from a database.
 */
class UsersFuzzPostgresIT extends UsersFuzzTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return UsersDatabase.fresh(env);
    }
}
