package dev.desafios.api;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Health;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Challenge 3: every access is a row in PostgreSQL, the visit count is a Redis counter. Rows are
 * committed only after the counter moved, and the count is taken back when a database restart
 * rolls the rows back, so that a failed request leaves neither behind; a store that fails makes
 * the request a 503 naming it. Accesses that arrive together are written together (a
 * {@link GroupCommit}): one transaction and one increment for the whole batch.
 */
final class PostgresRedisVisitStore implements VisitStore {
    static final String COUNTER_KEY = "desafio3:visits";

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS accesses (
                id         BIGSERIAL PRIMARY KEY,
                at         TIMESTAMPTZ NOT NULL DEFAULT now(),
                path       TEXT NOT NULL,
                client     TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                request_id TEXT NOT NULL
            )""";
    /** One statement for any batch size; the ids are drawn in the order ORDER BY n inserts the rows. */
    private static final String INSERT = """
            INSERT INTO accesses (path, client, user_agent, request_id)
            SELECT path, client, user_agent, request_id
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
                WITH ORDINALITY AS batch(path, client, user_agent, request_id, n)
            ORDER BY n
            RETURNING id""";
    private static final String COUNT = "SELECT count(*) FROM accesses";
    private static final String RECENT = """
            SELECT id, at, path, client, user_agent, request_id
            FROM accesses
            ORDER BY id DESC
            LIMIT 10""";
    /** Longest text kept in a column; longer values are cut (the handler already cuts the user agent to 512). */
    private static final int MAX_TEXT = 2048;
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    /** Most accesses in one transaction: enough for every connection of a loaded server. */
    private static final int MAX_BATCH = 64;
    /**
     * One batch writer: while it commits, the accesses that arrive wait and go together in its
     * next batch, so batches grow with the load. More writers split them (32 clients: 9.8k
     * requests/s with one writer, 8.9k with two, 6.5k with eight).
     */
    private static final int WRITERS = 1;
    /**
     * How long an access waits for the writer to take it. Longer only when the writer is stuck
     * on a store that does not answer: then a 503 at once, rather than one after another timeout.
     */
    private static final Duration QUEUE_WAIT = Duration.ofMillis(500);
    /** How long a batch whose commit met a shutdown waits for the database to tell the outcome. */
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(4);
    private static final Duration SETTLE_RETRY = Duration.ofMillis(200);

    private final ConnectionPool postgres;
    private final JedisPool redis;
    private final GroupCommit<Access, JsonObject> batches;

    /** The writer holds one of the pool's connections at a time; reads and health checks use the others. */
    PostgresRedisVisitStore(ConnectionPool postgres, JedisPool redis) {
        this.postgres = postgres;
        this.redis = redis;
        this.batches = new GroupCommit<>("access-writer", WRITERS, MAX_BATCH, QUEUE_WAIT,
                "postgres or redis is not answering: accesses are not being written", this::write);
    }

    /** Opens both pools, waits for both stores (up to the start-up wait) and creates the schema. */
    static PostgresRedisVisitStore open(StoreSettings settings) {
        var store = new PostgresRedisVisitStore(StorePools.postgres(settings), StorePools.redis(settings));
        try {
            store.waitUntilReady(settings.startupWait());
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
     * Writes a batch in one transaction: all its accesses are stored, or none. Values are cleaned
     * first ({@link #clean}), so no single access can make the database reject the others.
     */
    private List<JsonObject> write(List<Access> accesses) {
        try {
            return writeAll(accesses);
        } catch (CommitCutShort e) {
            return settle(e);
        } catch (SQLException e) {
            throw unavailable("postgres", e);
        }
    }

    /** The rows, then the counter, then the commit; the answers in the order of the accesses. */
    private List<JsonObject> writeAll(List<Access> accesses) throws SQLException {
        return postgres.withConnection(connection -> {
            connection.setAutoCommit(false);
            List<Long> ids = insert(connection, accesses);
            int count = accesses.size();
            long last = redis(jedis -> jedis.incrBy(COUNTER_KEY, count));
            var results = new ArrayList<JsonObject>(count);
            for (int i = 0; i < count; i++) {
                results.add(new JsonObject().add("visits", last - count + 1 + i).add("accessId", ids.get(i)));
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw isServerShutdown(e) ? new CommitCutShort(e, ids, results) : e;
            }
            connection.setAutoCommit(true);
            return results;
        });
    }

    /**
     * The server shut the session down while the commit was under way (a database restart). The
     * commit may still have gone through: the server can commit and then report the shutdown in
     * the same answer. Once the database answers again (within {@link #SETTLE_WAIT}) the rows
     * tell: present, the accesses were stored and counted, and are answered as such; absent, the
     * increment is taken back and the answer is a 503. Unknown in time: a 503, the counter left.
     */
    private List<JsonObject> settle(CommitCutShort cut) {
        Boolean stored = storedWithin(cut.ids, SETTLE_WAIT);
        if (Boolean.TRUE.equals(stored)) {
            Log.warn("the commit went through before the database shut down", new JsonObject().add("rows", cut.ids.size()));
            return cut.results;
        }
        if (Boolean.FALSE.equals(stored)) {
            uncount(cut.ids.size());
        } else {
            Log.warn("commit outcome unknown: the counter may be ahead of the rows",
                    new JsonObject().add("rows", cut.ids.size()));
        }
        throw unavailable("postgres", (SQLException) cut.getCause());
    }

    /** Whether the rows exist, asked until the database answers or the wait is over (null: unknown). */
    private Boolean storedWithin(List<Long> ids, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return postgres.withConnection(connection -> {
                    try (PreparedStatement select = connection.prepareStatement(
                            "SELECT count(*) FROM accesses WHERE id = ANY(?)")) {
                        select.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                        try (ResultSet count = select.executeQuery()) {
                            count.next();
                            return count.getLong(1) > 0;
                        }
                    }
                });
            } catch (SQLException e) {
                if (System.nanoTime() + SETTLE_RETRY.toNanos() > deadline) {
                    return null;
                }
                try {
                    Thread.sleep(SETTLE_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** A commit the server cut short by shutting down, with what the batch would answer. */
    private static final class CommitCutShort extends SQLException {
        private final transient List<Long> ids;
        private final transient List<JsonObject> results;

        CommitCutShort(SQLException cause, List<Long> ids, List<JsonObject> results) {
            super(cause.getMessage(), cause.getSQLState(), cause);
            this.ids = ids;
            this.results = results;
        }
    }

    private static List<Long> insert(Connection connection, List<Access> accesses) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setArray(1, texts(connection, accesses, Access::path));
            insert.setArray(2, texts(connection, accesses, Access::client));
            insert.setArray(3, texts(connection, accesses, Access::userAgent));
            insert.setArray(4, texts(connection, accesses, Access::requestId));
            var ids = new ArrayList<Long>(accesses.size());
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            ids.sort(null);
            return ids;
        }
    }

    private static Array texts(Connection connection, List<Access> accesses, Function<Access, String> field)
            throws SQLException {
        return connection.createArrayOf("text", accesses.stream().map(field).map(PostgresRedisVisitStore::clean).toArray());
    }

    @Override
    public JsonObject summary() {
        long visits = redis(jedis -> {
            String count = jedis.get(COUNTER_KEY);
            return count == null ? 0L : Long.parseLong(count);
        });
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

    /** The exception and, when it wraps one, its root cause: "Could not get a resource" alone says little. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e + " <- " + root;
    }

    /**
     * 57P01-57P03: the server ended the session (a restart); during a commit, whether it went
     * through is then found out ({@link #settle}). Other failures during a commit (a cut
     * connection) leave it unknown.
     */
    private static boolean isServerShutdown(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().matches("57P0[123]");
    }

    /** Takes back the increment of requests whose rows were rolled back; best effort, logged when it fails. */
    private void uncount(int count) {
        try (Jedis jedis = redis.getResource()) {
            jedis.decrBy(COUNTER_KEY, count);
        } catch (JedisException e) {
            Log.warn("the counter stays one ahead of the rows", new JsonObject().add("error", describe(e)));
        }
    }

    private <T> T redis(Function<Jedis, T> command) {
        try (Jedis jedis = redis.getResource()) {
            return command.apply(jedis);
        } catch (JedisException e) {
            throw unavailable("redis", e);
        }
    }

    private static Problem unavailable(String store, Exception cause) {
        Log.warn(store + " call failed", new JsonObject().add("error", describe(cause)));
        return Problem.unavailable(store + " is unavailable");
    }

    /** PostgreSQL text cannot hold NUL; very long values are cut (never in the middle of a surrogate pair). */
    static String clean(String value) {
        String text = value == null ? "" : value.replace("\u0000", "");
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end);
    }
}
