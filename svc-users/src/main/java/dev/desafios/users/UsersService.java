package dev.desafios.users;

import dev.desafios.common.Config;
import dev.desafios.common.DatabaseSettings;
import dev.desafios.common.Health;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.util.Map;

/**
 * Challenges 4 and 5: users seeded and validated, in PostgreSQL when {@code DB_URL} is set
 * (challenge 5: every replica on the one database), in memory otherwise; every answer names the
 * replica.
 */
public final class UsersService {
    /** The response header naming the container that answered, so that balancing can be seen. */
    static final String SERVED_BY = "X-Served-By";
    /** The default of {@code MAX_USERS}: worst-case users this many fill a small part of the heap (docs/stores.md). */
    static final int DEFAULT_MAX_USERS = 10_000;
    /** The largest {@code MAX_USERS} accepted: far past any heap these containers get. */
    static final int LARGEST_MAX = 10_000_000;

    private UsersService() {
    }

    public static void main(String[] args) {
        Services.run("svc-users", () -> start(System.getenv()).stopOnSignal());
    }

    static Server start(Map<String, String> env) {
        var config = new Config(env);
        config.requirePorts();
        // Read in either mode, so that a bad value stops the service; the database needs no cap on rows.
        int maxUsers = (int) config.whole("MAX_USERS", DEFAULT_MAX_USERS, UserStore.SEEDS, LARGEST_MAX);
        UserStore store = DatabaseSettings.from(config)
                .<UserStore>map(PostgresUserStore::open)
                .orElseGet(() -> InMemoryUserStore.seeded(maxUsers));
        var handlers = new UserHandlers(store);
        var health = new Health();
        store.addChecks(health);
        var router = new Router(config.maxBodyBytes())
                .header(SERVED_BY, config.hostname())
                .get("/users", handlers::list)
                .post("/users", handlers::create)
                .get("/users/{id}", handlers::find)
                .get("/health", health::handle);
        store.addMetrics(router.metrics());
        try {
            return Server.start(config, router, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
