package dev.desafios.orders;

import java.util.Map;

/**
 * OrdersFuzzTest again with {@code DB_URL} set, against the real PostgreSQL: the shared bad-input table, the
 * same answers from a database.
 */
class OrdersFuzzPostgresIT extends OrdersFuzzTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return OrdersDatabase.fresh(env);
    }
}
