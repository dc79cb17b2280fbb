package dev.desafios.api;

import dev.desafios.common.ConnectionPool;
import dev.desafios.common.DatabasePools;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes batches of accesses: the rows first, committed on their own (one round trip, auto-commit),
 * then the count, moved in Redis together with the id of the last row it counts
 * ({@link VisitCounter}). A batch is answered 2xx only when both are known to have happened.
 *
 * <p>Any failure leaves the outcome possibly unknown: a commit whose answer was lost may have gone
 * through, an increment whose answer was lost may have been applied. Nothing is guessed: the
 * writer is unsettled, takes no batch, and {@link #settle} ({@link CounterSettle}) brings the
 * counter to what the rows say (the rows above the mark are counted, from the mark Redis holds)
 * before it writes again. The order of the failures does not matter, nor how many APIs write: rows
 * commit in id order, and every count is made from the mark and the rows. Called from the store's
 * one writer thread only, on connections of its own (one to each store, never borrowed by reads),
 * taken one at a time.
 */
final class AccessWriter {
    /**
     * One transaction, one round trip, for any batch size. The writers of every API on the database
     * take turns (a lock held until the commit, taken before any id is drawn), so rows commit in
     * the order of their ids; the insert, in a statement of its own, sees every row committed
     * before it and returns the last of them ({@code before}) with its own ids, drawn in the order
     * ORDER BY n inserts the rows. Its rows are then exactly those between before and its last id.
     */
    private static final String INSERT = """
            SELECT pg_advisory_xact_lock(hashtext('svc-api: accesses'));
            WITH before AS (SELECT coalesce(max(id), 0) AS id FROM accesses)
            INSERT INTO accesses (path, client, user_agent, request_id)
            SELECT path, client, user_agent, request_id
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
                WITH ORDINALITY AS batch(path, client, user_agent, request_id, n)
            ORDER BY n
            RETURNING id, (SELECT id FROM before)""";
    /** Longest text kept in a column; longer values are cut (the handler already cuts the user agent to 512). */
    private static final int MAX_TEXT = 2048;

    private final ConnectionPool postgres;
    private final JedisPool redis;
    /** Whether the counter counts every row, and the settle after a failure. */
    private final CounterSettle settle;
    /** False until the store is open (the schema exists); nothing is settled or written before. */
    private volatile boolean open;

    AccessWriter(ConnectionPool postgres, JedisPool redis) {
        this.postgres = postgres;
        this.redis = redis;
        this.settle = new CounterSettle(postgres, redis);
    }

    /** Lets the writer start; settled first (rows a stopped process left uncounted), here or by the writer. */
    void start() {
        open = true;
    }

    /** The writer's gate: settled, or settled now. */
    boolean ready() {
        return open && settle.settle();
    }

    /** Writes the batch; answers in the order of the accesses, or throws a 503 naming the store that failed. */
    List<JsonObject> write(List<VisitStore.Access> accesses) {
        settle.writing();
        Rows rows;
        try {
            rows = insert(accesses);
        } catch (SQLException e) {
            throw unavailable("postgres", e);
        }
        int count = accesses.size();
        Long after;
        try {
            after = count(rows, count);
            if (after == null) {
                // The mark is not where the rows before this batch end: another API's batch is
                // not counted yet (or the keys were edited). Counting from the rows settles both.
                after = settle.settle() ? counter() : null;
            }
        } catch (JedisException e) {
            throw unavailable("redis", e);
        }
        if (after == null) {
            throw Problem.unavailable("the visit counter could not be settled");
        }
        settle.counted();
        var results = new ArrayList<JsonObject>(count);
        for (int i = 0; i < count; i++) {
            results.add(new JsonObject().add("visits", after - count + 1 + i).add("accessId", rows.ids.get(i)));
        }
        return results;
    }

    /** Counts the batch from the mark its rows start at; null when the mark is elsewhere. */
    private Long count(Rows rows, int count) {
        try (Jedis jedis = redis.getResource()) {
            return VisitCounter.add(jedis, rows.before, count, rows.ids.getLast());
        }
    }

    private long counter() {
        try (Jedis jedis = redis.getResource()) {
            return VisitCounter.value(jedis);
        }
    }

    /** The ids of a batch's rows, and the last id committed before them. */
    private record Rows(List<Long> ids, long before) {
    }

    /**
     * Inserts and commits the rows. Until the ids come back the outcome is unknown: the session is
     * remembered (and closed, never reused) so that the settle can end it before counting.
     */
    private Rows insert(List<VisitStore.Access> accesses) throws SQLException {
        return postgres.withConnection(connection -> {
            settle.inDoubt(connection.getClientInfo("ApplicationName"));
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setArray(1, texts(connection, accesses, VisitStore.Access::path));
                insert.setArray(2, texts(connection, accesses, VisitStore.Access::client));
                insert.setArray(3, texts(connection, accesses, VisitStore.Access::userAgent));
                insert.setArray(4, texts(connection, accesses, VisitStore.Access::requestId));
                insert.execute();
                if (!insert.getMoreResults()) {
                    throw new SQLException("the insert returned no rows", "XX000");
                }
                var ids = new ArrayList<Long>(accesses.size());
                long before = 0;
                try (ResultSet rows = insert.getResultSet()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        before = rows.getLong(2);
                    }
                }
                ids.sort(null);
                settle.inDoubt(null);
                return new Rows(ids, before);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
        });
    }

    /** Brings the counter to what the rows say ({@link CounterSettle#settle}); true when settled. */
    boolean settle() {
        return settle.settle();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // already broken: nothing more to release
        }
    }

    private static Array texts(Connection connection, List<VisitStore.Access> accesses,
                               Function<VisitStore.Access, String> field) throws SQLException {
        return connection.createArrayOf("text", accesses.stream().map(field).map(AccessWriter::clean).toArray());
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

    static Problem unavailable(String store, Exception cause) {
        Log.warn(store + " call failed", new JsonObject().add("error", describe(cause)));
        return Problem.unavailable(store + " is unavailable");
    }

    /** The exception and, when it wraps one, its root cause: "Could not get a resource" alone says little. */
    static String describe(Throwable e) {
        return DatabasePools.describe(e);
    }
}
