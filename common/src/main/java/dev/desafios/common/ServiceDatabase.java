package dev.desafios.common;

import java.sql.Driver;
import java.sql.SQLException;

/**
 * A service's own PostgreSQL (database per service): a pool for the requests and one connection
 * for {@code /health}, the start-up work run once the database answers, and every call's failure
 * turned into its answer (a 503 or 507 naming only the store). Users and orders keep their data
 * through it; each passes its own driver.
 */
public final class ServiceDatabase implements AutoCloseable {
    /** Connections for {@code /health}: a check is one short round trip, never behind the requests' queue. */
    private static final int CHECK_CONNECTIONS = 1;
    /** Request connections opened before the service listens: what a few clients at once use. */
    private static final int WARM_CONNECTIONS = 4;

    private final String store;
    private final ConnectionPool requests;
    private final ConnectionPool checks;

    private ServiceDatabase(String store, ConnectionPool requests, ConnectionPool checks) {
        this.store = store;
        this.requests = requests;
        this.checks = checks;
    }

    /**
     * Opens the pools of {@code service} (sessions named after it), runs {@code startup} (the
     * schema) once the database answers, waiting up to {@code STORES_WAIT}, and opens the first
     * connections of each pool ({@link ConnectionPool#warm}); {@code store} names the database in
     * answers ("the users database").
     */
    public static <T> Opened<T> open(DatabaseSettings settings, Driver driver, String service, String store,
            ConnectionPool.Work<T> startup) {
        String name = DatabasePools.storeName(service);
        var database = new ServiceDatabase(store, DatabasePools.open(settings, driver, name + "requests/",
                settings.poolSize()), DatabasePools.open(settings, driver, name + "checks/", CHECK_CONNECTIONS));
        try {
            T started = DatabasePools.awaitReady(database.requests, settings.startupWait(), startup);
            database.requests.warm(WARM_CONNECTIONS);
            database.checks.warm(CHECK_CONNECTIONS);
            return new Opened<>(database, started);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** An opened database and what its start-up work returned. */
    public record Opened<T>(ServiceDatabase database, T startup) {
    }

    /** Runs work on a request connection; a failure becomes the store's 503 or 507 problem. */
    public <T> T call(ConnectionPool.Work<T> work) {
        try {
            return requests.withConnection(work);
        } catch (SQLException e) {
            throw DatabasePools.failed(store, e);
        }
    }

    /** Adds the {@code postgres} check to {@code /health}, on the check connection. */
    public void addChecks(Health health) {
        health.check("postgres", () -> DatabasePools.answers(checks));
    }

    /** Counts the request and check pools ({@link PoolMetrics}) in the service's metrics. */
    public void addMetrics(Metrics metrics) {
        var pools = PoolMetrics.in(metrics);
        pools.watch("postgres-requests", requests);
        pools.watch("postgres-checks", checks);
    }

    @Override
    public void close() {
        requests.close();
        checks.close();
    }
}
