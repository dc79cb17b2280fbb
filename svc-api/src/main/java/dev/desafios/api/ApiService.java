package dev.desafios.api;

import dev.desafios.common.Config;
import dev.desafios.common.Health;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.util.Map;

/** The API of challenge 1 (visits counted in memory) and challenge 3 (with PostgreSQL and Redis). */
public final class ApiService {
    private ApiService() {
    }

    public static void main(String[] args) {
        Services.run("svc-api", () -> start(System.getenv()).stopOnSignal());
    }

    /**
     * Reads the config, wires the visit store (PostgreSQL and Redis when {@code DB_URL} and
     * {@code REDIS_URL} are set, in memory otherwise) and starts serving.
     */
    static Server start(Map<String, String> env) {
        var config = new Config(env);
        config.requirePorts();
        long maxBodyBytes = config.maxBodyBytes();
        VisitStore store = StoreSettings.from(config)
                .<VisitStore>map(PostgresRedisVisitStore::open)
                .orElseGet(InMemoryVisitStore::new);
        var api = new ApiHandlers(store, config.hostname());
        var health = new Health();
        store.addChecks(health);
        var router = new Router(maxBodyBytes)
                .get("/", api::hello)
                // A route of its own, so that no length is sent for a body the GET would make longer.
                .route("HEAD", "/", api::hello)
                .get("/visits", api::visits)
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
