package dev.desafios.orders;

import dev.desafios.common.Config;
import dev.desafios.common.DatabaseSettings;
import dev.desafios.common.Health;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.time.Duration;
import java.util.Map;

/**
 * Challenges 4 and 5: orders in PostgreSQL when {@code DB_URL} is set (challenge 5), in memory
 * otherwise, each checked against and embedding its user from svc-users (over HTTP, never its
 * database).
 */
public final class OrdersService {
    /** The default of {@code MAX_ORDERS}: worst-case orders this many fill a small part of the heap (docs/stores.md). */
    static final int DEFAULT_MAX_ORDERS = 10_000;
    /** The largest {@code MAX_ORDERS} accepted: far past any heap these containers get. */
    static final int LARGEST_MAX = 10_000_000;

    private OrdersService() {
    }

    public static void main(String[] args) {
        Services.run("svc-orders", () -> start(System.getenv()).stopOnSignal());
    }

    static Server start(Map<String, String> env) {
        var config = new Config(env);
        config.requirePorts();
        var users = new UsersClient(config.url("USERS_URL", "http://users:8080"),
                config.duration("USERS_TIMEOUT", Duration.ofSeconds(2)));
        // Read in either mode, so that a bad value stops the service; the database needs no cap on rows.
        int maxOrders = (int) config.whole("MAX_ORDERS", DEFAULT_MAX_ORDERS, 1, LARGEST_MAX);
        OrderStore store;
        try {
            store = DatabaseSettings.from(config)
                    .<OrderStore>map(PostgresOrderStore::open)
                    .orElseGet(() -> new InMemoryOrderStore(maxOrders));
        } catch (RuntimeException e) {
            users.close();
            throw e;
        }
        var handlers = new OrderHandlers(store, users);
        var health = new Health();
        store.addChecks(health);
        var router = new Router(config.maxBodyBytes())
                .get("/orders", handlers::list)
                .post("/orders", handlers::create)
                .get("/orders/{id}", handlers::find)
                // Orders' own health (its database) only: users down makes an order fail, not this service unhealthy.
                .get("/health", health::handle);
        store.addMetrics(router.metrics());
        try {
            return Server.start(config, router, users, store);
        } catch (RuntimeException e) {
            users.close();
            store.close();
            throw e;
        }
    }
}
