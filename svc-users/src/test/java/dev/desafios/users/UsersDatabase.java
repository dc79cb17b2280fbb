package dev.desafios.users;

import dev.desafios.common.testing.TestDatabase;
import java.sql.SQLException;
import java.util.Map;

/** The users service's environment on the real test PostgreSQL, its table dropped first (a fresh start). */
final class UsersDatabase {
    private UsersDatabase() {
    }

    static Map<String, String> fresh(Map<String, String> env) {
        TestDatabase db = TestDatabase.fromEnvironment();
        try {
            db.execute("DROP TABLE IF EXISTS users");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the test database: " + e, e);
        }
        return db.serviceEnv(env);
    }
}
