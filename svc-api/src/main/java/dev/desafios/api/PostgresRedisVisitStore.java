package dev.desafios.api;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Health;
import dev.desafios.common.Metrics;
import dev.desafios.common.PoolMetrics;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import dev.desafios.common.StartupWait;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
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

    /**
     * The kept row count and the last ten rows, in one statement (one snapshot). The count falls
     * back to counting the table only while its row is missing (deleted by hand), until the next
     * write puts it back ({@link AccessSchema}).
     */
    private static final String SUMMARY = """
            SELECT counted.total, recent.id, recent.at, recent.path, recent.client, recent.user_agent, recent.request_id
            FROM (SELECT coalesce((SELECT total FROM access_count), (SELECT count(*) FROM accesses)) AS total) counted
            LEFT JOIN LATERAL (
                SELECT id, at, path, client, user_agent, request_id FROM accesses ORDER BY id DESC LIMIT 10
            ) recent ON true
            ORDER BY recent.id DESC""";
    /** How long {@code /visits} waits for the counter to count the rows it read (a batch is counted in moments). */
    static final Duration COUNT_CATCH_UP = Duration.ofSeconds(1);
    private static final Duration COUNT_POLL = Duration.ofMillis(2);
    /** Most accesses in one transaction: enough for every connection of a loaded server. */
    private static final int MAX_BATCH = 64;
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};
    /**
     * One batch writer: while it commits, the accesses that arrive wait and go together in its
     * next batch, so batches grow with the load. More writers split them, and serve fewer requests
     * a second (docs/benchmarks.md); one writer keeps the settle's state on one thread.
     */
    private static final int WRITERS = 1;
    /**
     * How long an access waits for the writer to take it. Longer only when the writer is stuck
     * on a store that does not answer, or is settling an unknown outcome: then a 503 at once,
     * rather than one after another timeout.
     */
    private static final Duration QUEUE_WAIT = Duration.ofMillis(500);

    /** Connections to each store that the writer alone uses: one, since it writes one batch at a time. */
    private static final int WRITER_CONNECTIONS = 1;
    /** Connections to each store for {@code /health}: a check is one short round trip. */
    private static final int CHECK_CONNECTIONS = 1;

    private final StoreConnections reads;
    private final StoreConnections writes;
    private final StoreConnections checks;
    private final AccessWriter writer;
    private final GroupCommit<Access, JsonObject> batches;

    /**
     * The writer, the reads and the health checks each on connections of their own, so that
     * none of them waits for a connection another holds.
     */
    PostgresRedisVisitStore(StoreConnections reads, StoreConnections writes, StoreConnections checks) {
        this.reads = reads;
        this.writes = writes;
        this.checks = checks;
        this.writer = new AccessWriter(writes.postgres(), writes.redis());
        this.batches = new GroupCommit<>("access-writer", WRITERS, MAX_BATCH, QUEUE_WAIT,
                "postgres or redis is not answering: accesses are not being written", writer::write, writer::ready);
    }

    /** Opens both pools, waits for both stores (up to the start-up wait) and creates the schema. */
    static PostgresRedisVisitStore open(StoreSettings settings) {
        String name = StorePools.storeName();
        var store = new PostgresRedisVisitStore(
                StorePools.connections(settings, name, "reads", settings.dbPoolSize(), StorePools.REDIS_READ_CONNECTIONS),
                StorePools.connections(settings, name, "writer", WRITER_CONNECTIONS, WRITER_CONNECTIONS),
                StorePools.connections(settings, name, "checks", CHECK_CONNECTIONS, CHECK_CONNECTIONS));
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

    /**
     * The rows first, then the counter once it counts them: rows commit in id order and a count
     * moves the mark to the last row it counts ({@link VisitCounter}), so a counter whose mark has
     * reached the last row read counts every row read, and {@code visits - accesses} is never
     * below zero. It is the rows committed and counted between the two reads. A counter whose
     * mark stays behind for {@link #COUNT_CATCH_UP} (a writer stopped between its commit and its
     * count) is answered as it is, and the difference is then below zero until that writer settles.
     */
    @Override
    public JsonObject summary() {
        JsonObject answer = rowsSummary();
        long lastRow = answer.getLong("lastRow", 0);
        answer.remove("lastRow");
        long deadline = System.nanoTime() + COUNT_CATCH_UP.toNanos();
        VisitCounter.CounterState counter = redis(reads, VisitCounter::state);
        while (counter.mark() != null && counter.mark() < lastRow && System.nanoTime() < deadline) {
            pause(COUNT_POLL);
            counter = redis(reads, VisitCounter::state);
        }
        return new JsonObject().add("visits", counter.visits()).merge(answer);
    }

    /** The kept row count, the last ten rows and the id of the last one, in one snapshot. */
    private JsonObject rowsSummary() {
        try {
            return reads.postgres().withConnection(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(SUMMARY);
                     ResultSet rows = statement.executeQuery()) {
                    var recent = new JsonArray();
                    long accesses = 0;
                    long lastRow = 0;
                    while (rows.next()) {
                        accesses = rows.getLong(1);
                        long id = rows.getLong("id");
                        if (rows.wasNull()) {
                            continue;
                        }
                        lastRow = Math.max(lastRow, id);
                        recent.add(new JsonObject()
                                .add("id", id)
                                .add("at", rows.getObject("at", OffsetDateTime.class).toInstant().toString())
                                .add("path", rows.getString("path"))
                                .add("client", rows.getString("client"))
                                .add("userAgent", rows.getString("user_agent"))
                                .add("requestId", rows.getString("request_id")));
                    }
                    return new JsonObject().add("accesses", accesses).add("recent", recent).add("lastRow", lastRow);
                }
            });
        } catch (SQLException e) {
            throw unavailable("postgres", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("the service is stopping");
        }
    }

    /** The connections of the reads of {@code /visits}, for tests that hold them all. */
    StoreConnections readConnections() {
        return reads;
    }

    @Override
    public void addChecks(Health health) {
        health.check("postgres", this::postgresUp).check("redis", this::redisUp);
    }

    /** Each pool's connections and waits, and the size of every batch the writer commits. */
    @Override
    public void addMetrics(Metrics metrics) {
        var pools = PoolMetrics.in(metrics);
        reads.measure(pools, "reads");
        writes.measure(pools, "writer");
        checks.measure(pools, "checks");
        Metrics.Histogram sizes = metrics.histogram("visits_write_batch_size",
                "Accesses written to PostgreSQL and Redis together, per batch (group commit).", BATCH_BUCKETS);
        batches.observeBatchSizes(sizes::observe);
    }

    boolean postgresUp() {
        try {
            return checks.postgres().withConnection(connection -> connection.isValid(1));
        } catch (SQLException e) {
            return false;
        }
    }

    boolean redisUp() {
        try (Jedis jedis = checks.redis().getResource()) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        batches.close();
        reads.close();
        writes.close();
        checks.close();
    }

    /**
     * Tries both stores every second until they answer (creating the schema) or the wait is over;
     * a refused login ends the wait at once, since waiting cannot fix a wrong password.
     */
    void waitUntilReady(Duration wait) {
        var waiting = new StartupWait(wait, "the stores");
        while (true) {
            String failing = "postgres";
            try {
                long started = System.nanoTime();
                long counted = writes.postgres().withConnection(AccessSchema::ensure);
                if (counted >= 0) {
                    Log.info("the row count of accesses is kept from now on", new JsonObject().add("rows", counted)
                            .add("ms", (System.nanoTime() - started) / 1_000_000));
                }
                failing = "redis";
                try (Jedis jedis = writes.redis().getResource()) {
                    jedis.ping();
                }
                return;
            } catch (SQLException | JedisException e) {
                waiting.failed(failing, "postgres".equals(failing) ? "DB_USER and DB_PASSWORD_FILE" : "REDIS_PASSWORD_FILE",
                        isLoginRefused(e), e);
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

    private static <T> T redis(StoreConnections connections, Function<Jedis, T> command) {
        try (Jedis jedis = connections.redis().getResource()) {
            return command.apply(jedis);
        } catch (JedisException e) {
            throw unavailable("redis", e);
        }
    }

    private static Problem unavailable(String store, Exception cause) {
        return AccessWriter.unavailable(store, cause);
    }
}
