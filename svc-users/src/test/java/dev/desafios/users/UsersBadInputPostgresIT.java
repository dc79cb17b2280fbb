package dev.desafios.users;

import java.util.Map;

/**
 * UsersBadInputTest again with {@code DB_URL} set, against the real PostgreSQL: bad input to POST /users, the
 * same answers from a database.
 */
class UsersBadInputPostgresIT extends UsersBadInputTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return UsersDatabase.fresh(env);
    }
}
