package dev.desafios.api;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Health;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Challenge 3: every access is a row in PostgreSQL, the visit count is a Redis counter. A 2xx
 * means both writes happened; a store that fails makes the request a 503 naming it, and whatever
 * its outcome, the counter is then brought back to what the rows say ({@link AccessWriter}).
 * Accesses that arrive together are written together (a {@link GroupCommit}): one statement and
 * one increment for the whole batch.
 */
final class PostgresRedisVisitStore implements VisitStore {
    static final String COUNTER_KEY = VisitCounter.COUNTER_KEY;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS accesses (
                id         BIGSERIAL PRIMARY KEY,
                at         TIMESTAMPTZ NOT NULL DEFAULT now(),
                path       TEXT NOT NULL,
                client     TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                request_id TEXT NOT NULL
            )""";
    private static final String COUNT = "SELECT count(*) FROM accesses";
    private static final String RECENT = """
            SELECT id, at, path, client, user_agent, request_id
            FROM accesses
            ORDER BY id DESC
            LIMIT 10""";
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    /** Most accesses in one transaction: enough for every connection of a loaded server. */
    private static final int MAX_BATCH = 64;
    /**
     * One batch writer: while it commits, the accesses that arrive wait and go together in its
     * next batch, so batches grow with the load. More writers split them (32 clients: 9.8k
     * requests/s with one writer, 8.9k with two, 6.5k with eight), and keeps the settle's state on one thread.
     */
    private static final int WRITERS = 1;
    /**
     * How long an access waits for the writer to take it. Longer only when the writer is stuck
     * on a store that does not answer, or is settling an unknown outcome: then a 503 at once,
     * rather than one after another timeout.
     */
    private static final Duration QUEUE_WAIT = Duration.ofMillis(500);

    private final ConnectionPool postgres;
    private final JedisPool redis;
    private final AccessWriter writer;
    private final GroupCommit<Access, JsonObject> batches;

    /** The writer holds one of the pool's connections at a time; reads and health checks use the others. */
    PostgresRedisVisitStore(ConnectionPool postgres, JedisPool redis) {
        this.postgres = postgres;
        this.redis = redis;
        this.writer = new AccessWriter(postgres, redis);
        this.batches = new GroupCommit<>("access-writer", WRITERS, MAX_BATCH, QUEUE_WAIT,
                "postgres or redis is not answering: accesses are not being written", writer::write, writer::ready);
    }

    /** Opens both pools, waits for both stores (up to the start-up wait) and creates the schema. */
    static PostgresRedisVisitStore open(StoreSettings settings) {
        var store = new PostgresRedisVisitStore(StorePools.postgres(settings), StorePools.redis(settings));
        try {
            store.waitUntilReady(settings.startupWait());
            // Settled here once, so that the first requests find the writer ready.
            store.writer.settle();
            store.writer.start();
            Log.info("stores ready", new JsonObject().add("postgres", settings.dbUrl())
                    .add("redis", settings.redisHost() + ":" + settings.redisPort()));
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public JsonObject record(Access access) {
        return batches.submit(access);
    }

    @Override
    public JsonObject summary() {
        long visits = redis(VisitCounter::value);
        try {
            return postgres.withConnection(connection -> {
                var body = new JsonObject().add("visits", visits);
                try (Statement statement = connection.createStatement()) {
                    try (ResultSet count = statement.executeQuery(COUNT)) {
                        count.next();
                        body.add("accesses", count.getLong(1));
                    }
                    var recent = new JsonArray();
                    try (ResultSet rows = statement.executeQuery(RECENT)) {
                        while (rows.next()) {
                            recent.add(new JsonObject()
                                    .add("id", rows.getLong("id"))
                                    .add("at", rows.getObject("at", OffsetDateTime.class).toInstant().toString())
                                    .add("path", rows.getString("path"))
                                    .add("client", rows.getString("client"))
                                    .add("userAgent", rows.getString("user_agent"))
                                    .add("requestId", rows.getString("request_id")));
                        }
                    }
                    return body.add("recent", recent);
                }
            });
        } catch (SQLException e) {
            throw unavailable("postgres", e);
        }
    }

    @Override
    public void addChecks(Health health) {
        health.check("postgres", this::postgresUp).check("redis", this::redisUp);
    }

    boolean postgresUp() {
        try {
            return postgres.withConnection(connection -> connection.isValid(1));
        } catch (SQLException e) {
            return false;
        }
    }

    boolean redisUp() {
        try (Jedis jedis = redis.getResource()) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        batches.close();
        redis.close();
        postgres.close();
    }

    /**
     * Tries both stores every second until they answer (creating the schema) or the wait is over;
     * a refused login ends the wait at once, since waiting cannot fix a wrong password.
     */
    void waitUntilReady(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 1; ; attempt++) {
            String failing = "postgres";
            try {
                postgres.withConnection(connection -> {
                    try (Statement statement = connection.createStatement()) {
                        return statement.execute(SCHEMA);
                    }
                });
                failing = "redis";
                try (Jedis jedis = redis.getResource()) {
                    jedis.ping();
                }
                return;
            } catch (SQLException | JedisException e) {
                if (isLoginRefused(e)) {
                    throw new IllegalStateException(failing + " refused the login: check "
                            + ("postgres".equals(failing) ? "DB_USER and DB_PASSWORD_FILE" : "REDIS_PASSWORD_FILE")
                            + " (" + describe(e) + ")", e);
                }
                if (System.nanoTime() + RETRY_EVERY.toNanos() > deadline) {
                    throw new IllegalStateException(failing + " is still unavailable after " + attempt
                            + " tries (STORES_WAIT=" + wait.toMillis() + "ms): " + describe(e), e);
                }
                Log.warn("waiting for " + failing, new JsonObject()
                        .add("attempt", attempt).add("error", describe(e)));
            }
            try {
                Thread.sleep(RETRY_EVERY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the stores", e);
            }
        }
    }

    /** A wrong password or a user without access (SQLState class 28, Redis WRONGPASS/NOPERM), however wrapped. */
    private static boolean isLoginRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String state = t instanceof SQLException sql ? sql.getSQLState() : null;
            if (t instanceof JedisAccessControlException || state != null && state.startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    private <T> T redis(Function<Jedis, T> command) {
        try (Jedis jedis = redis.getResource()) {
            return command.apply(jedis);
        } catch (JedisException e) {
            throw unavailable("redis", e);
        }
    }

    private static Problem unavailable(String store, Exception cause) {
        return AccessWriter.unavailable(store, cause);
    }

    private static String describe(Throwable e) {
        return AccessWriter.describe(e);
    }
}
