package dev.desafios.orders;

import java.util.Map;

/**
 * OrdersReadTest again with {@code DB_URL} set, against the real PostgreSQL: one order with its
 * user, lists, filters and pages, the same answers from a database.
 */
class OrdersReadPostgresIT extends OrdersReadTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return OrdersDatabase.fresh(env);
    }
}
