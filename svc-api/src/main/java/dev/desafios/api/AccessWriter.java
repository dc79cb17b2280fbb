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
 * writer is unsettled, takes no batch, and {@link #settle} brings the counter to what the rows say
 * (the rows above the mark are counted, from the mark Redis holds) before it writes again. The
 * order of the failures does not matter, nor how many APIs write: rows commit in id order, and
 * every count is made from the mark and the rows. Called from the store's one writer thread only,
 * on connections of its own (one to each store, never borrowed by reads), taken one at a time.
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
    /**
     * Ends the session of a write whose outcome is unknown, and waits until it is gone: a statement
     * the server received but had not run yet (the client gave up on a slow network, a lock) must
     * not commit after the rows were counted. Sessions are found by their own application name.
     */
    private static final String END_SESSION = """
            SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid, 1000))
            FROM pg_stat_activity
            WHERE application_name = ? AND pid <> pg_backend_pid()""";
    private static final String LAST_ID = "SELECT coalesce(max(id), 0) FROM accesses";
    private static final String ROWS_ABOVE = "SELECT count(*), coalesce(max(id), ?) FROM accesses WHERE id > ?";
    /** Longest text kept in a column; longer values are cut (the handler already cuts the user agent to 512). */
    private static final int MAX_TEXT = 2048;
    /** Tries of one settle when another writer moves the mark in between (never, with one API). */
    private static final int SETTLE_TRIES = 3;

    private final ConnectionPool postgres;
    private final JedisPool redis;
    /** False until the store is open (the schema exists); nothing is settled or written before. */
    private volatile boolean open;
    /** True when the counter is known to count every row; false after any failure, until settled. */
    private boolean settled;
    /** The application name of the session whose write may still be running, or null. */
    private String inDoubt;
    private boolean failureLogged;

    AccessWriter(ConnectionPool postgres, JedisPool redis) {
        this.postgres = postgres;
        this.redis = redis;
    }

    /** Lets the writer start; settled first (rows a stopped process left uncounted), here or by the writer. */
    void start() {
        open = true;
    }

    /** The writer's gate: settled, or settled now. */
    boolean ready() {
        return open && (settled || settle());
    }

    /** Writes the batch; answers in the order of the accesses, or throws a 503 naming the store that failed. */
    List<JsonObject> write(List<VisitStore.Access> accesses) {
        settled = false;
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
                after = settle() ? counter() : null;
            }
        } catch (JedisException e) {
            throw unavailable("redis", e);
        }
        if (after == null) {
            throw Problem.unavailable("the visit counter could not be settled");
        }
        settled = true;
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
            inDoubt = connection.getClientInfo("ApplicationName");
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
                inDoubt = null;
                return new Rows(ids, before);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
        });
    }

    /**
     * Brings the counter to what the rows say: ends the session of a write still in doubt, reads
     * the mark from Redis, counts the rows above it and adds them, moving the mark, in one script
     * that does nothing if the mark moved meanwhile. Every step can fail and be run again: an
     * answer lost on the way leaves either the old mark (and the rows are counted next time) or
     * the new one (and nothing is left above it). True when settled; false while a store fails,
     * and the writer asks again a moment later.
     */
    boolean settle() {
        if (settled) {
            return true;
        }
        try {
            endSessionInDoubt();
            for (int attempt = 0; attempt < SETTLE_TRIES; attempt++) {
                if (countRowsAboveTheMark()) {
                    settled = true;
                    failureLogged = false;
                    return true;
                }
            }
            return false;
        } catch (SQLException | JedisException e) {
            if (!failureLogged) {
                failureLogged = true;
                Log.warn("the visit counter is not settled yet: writes wait", new JsonObject().add("error", describe(e)));
            }
            return false;
        }
    }

    private void endSessionInDoubt() throws SQLException {
        if (inDoubt == null) {
            return;
        }
        String session = inDoubt;
        boolean ended = postgres.withConnection(connection -> {
            try (PreparedStatement end = connection.prepareStatement(END_SESSION)) {
                end.setString(1, session);
                try (ResultSet left = end.executeQuery()) {
                    left.next();
                    return left.getLong(1) == 0;
                }
            }
        });
        if (!ended) {
            throw new SQLException("the session " + session + " of a write in doubt is still running", "55000");
        }
        inDoubt = null;
    }

    /**
     * One pass: true when the counter counts every row (now or already), false when the mark moved
     * meanwhile. A mark above every row means the table was made anew (its ids start again): none
     * of its rows is counted yet, so all are.
     */
    private boolean countRowsAboveTheMark() throws SQLException {
        Long mark;
        try (Jedis jedis = redis.getResource()) {
            mark = VisitCounter.mark(jedis);
        }
        long[] above = postgres.withConnection(connection -> {
            long last = query(connection, LAST_ID)[0];
            long from = mark == null || mark > last ? 0 : mark;
            return query(connection, ROWS_ABOVE, from, from);
        });
        try (Jedis jedis = redis.getResource()) {
            if (mark == null) {
                long adopted = VisitCounter.adopt(jedis, above[0], above[1]);
                Log.info("the visit counter now marks the rows it counts", new JsonObject().add("countedTo", adopted));
                return true;
            }
            if (above[0] == 0) {
                return true;
            }
            if (VisitCounter.add(jedis, mark, above[0], above[1]) == null) {
                return false;
            }
        }
        Log.warn("counted rows left uncounted", new JsonObject().add("rows", above[0]).add("countedTo", above[1]));
        return true;
    }

    /** The first row of a query of longs. */
    private static long[] query(Connection connection, String sql, long... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setLong(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                int columns = result.getMetaData().getColumnCount();
                long[] values = new long[columns];
                for (int i = 0; i < columns; i++) {
                    values[i] = result.getLong(i + 1);
                }
                return values;
            }
        }
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
