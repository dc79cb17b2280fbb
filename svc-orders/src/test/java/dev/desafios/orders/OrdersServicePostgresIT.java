package dev.desafios.orders;

import com.eclipsesource.json.JsonObject;
import java.util.Map;

/**
 * OrdersServiceTest again with {@code DB_URL} set, against the real PostgreSQL: create, total,
 * health, the same answers from a database.
 */
class OrdersServicePostgresIT extends OrdersServiceTest {
    @Override
    Map<String, String> withStore(Map<String, String> env) {
        return OrdersDatabase.fresh(env);
    }

    @Override
    JsonObject healthChecks() {
        return new JsonObject().add("postgres", "UP");
    }
}
