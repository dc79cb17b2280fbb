package dev.desafios.orders;

import java.util.Map;

/**
 * OrdersBadInputTest again with {@code DB_URL} set, against the real PostgreSQL: bad input to POST
 * /orders, the same answers from a database.
 */
class OrdersBadInputPostgresIT extends OrdersBadInputTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return OrdersDatabase.fresh(env);
    }
}
