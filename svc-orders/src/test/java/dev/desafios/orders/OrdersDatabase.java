package dev.desafios.orders;

import dev.desafios.common.testing.TestDatabase;
import java.sql.SQLException;
import java.util.Map;

/** The orders service's environment on the real test PostgreSQL, its table dropped first (a fresh start). */
final class OrdersDatabase {
    private OrdersDatabase() {
    }

    static Map<String, String> fresh(Map<String, String> env) {
        TestDatabase db = TestDatabase.fromEnvironment();
        try {
            db.execute("DROP TABLE IF EXISTS orders");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the test database: " + e, e);
        }
        return db.serviceEnv(env);
    }
}
