package dev.desafios.api;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.ConnectionPool;
import dev.desafios.common.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Whether the visit counter counts every row, and the settle that makes it so after a write whose
 * outcome is unknown (a commit or an increment whose answer was lost): the session of a write
 * still in doubt is ended, then the rows above the mark Redis holds are counted. Nothing is
 * guessed, and every step can be run again. The {@link AccessWriter}'s part, on its one thread
 * and its connections.
 */
final class CounterSettle {
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
    /** Tries of one settle when another writer moves the mark in between (never, with one API). */
    private static final int SETTLE_TRIES = 3;

    private final ConnectionPool postgres;
    private final JedisPool redis;
    /** True when the counter is known to count every row; false after any failure, until settled. */
    private boolean settled;
    /** The application name of the session whose write may still be running, or null. */
    private String inDoubt;
    private boolean failureLogged;

    CounterSettle(ConnectionPool postgres, JedisPool redis) {
        this.postgres = postgres;
        this.redis = redis;
    }

    /** A write begins: until it is known to be counted, the counter may not count every row. */
    void writing() {
        settled = false;
    }

    /** The write's rows are committed and counted: the counter counts every row. */
    void counted() {
        settled = true;
    }

    /** The session whose write may be running unanswered, until its ids come back (then null). */
    void inDoubt(String session) {
        inDoubt = session;
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
                Log.warn("the visit counter is not settled yet: writes wait",
                        new JsonObject().add("error", AccessWriter.describe(e)));
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
}
