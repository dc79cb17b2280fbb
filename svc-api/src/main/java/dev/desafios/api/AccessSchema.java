package dev.desafios.api;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of challenge 3 and the row count the database keeps beside them. {@code accesses}
 * gains a row per visit and is never trimmed, so {@code count(*)} over it grows with it; instead
 * {@code access_count} holds the exact count, moved by statement triggers in the same transaction
 * as every insert, delete or truncate (whoever writes: this API, an older version of it, psql).
 * A transaction that rolls back takes its count back with it.
 *
 * <p>The count can be trusted only while the triggers exist on the table: a table from before
 * them (rows and no count), or one made anew (its triggers went with the old one), is counted
 * once at start, under a lock that keeps inserts out until the triggers are in place. APIs that
 * start together take turns (an advisory lock), so the table is counted once and the
 * {@code CREATE ... IF NOT EXISTS} do not race.
 */
final class AccessSchema {
    static final String COUNT_TABLE = "access_count";

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('svc-api: schema'))";
    /** The table of accesses as every version has made it (the tests make an old database with it). */
    static final String ACCESSES = """
            CREATE TABLE IF NOT EXISTS accesses (
                id         BIGSERIAL PRIMARY KEY,
                at         TIMESTAMPTZ NOT NULL DEFAULT now(),
                path       TEXT NOT NULL,
                client     TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                request_id TEXT NOT NULL
            )""";
    /** One row at most (the key can only be true). */
    private static final String COUNT = """
            CREATE TABLE IF NOT EXISTS access_count (
                one   BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
                total BIGINT NOT NULL CHECK (total >= 0)
            )""";
    /**
     * Counts the whole table when its count row is gone (deleted by hand): under a lock that
     * keeps other writers out, so the count includes exactly the committed rows and its own.
     */
    private static final String RECOUNT = """
            CREATE OR REPLACE FUNCTION access_count_recount() RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                LOCK TABLE accesses IN SHARE ROW EXCLUSIVE MODE;
                INSERT INTO access_count (total) SELECT count(*) FROM accesses
                ON CONFLICT (one) DO UPDATE SET total = excluded.total;
            END $$""";
    /** One function for the three triggers: once per statement, however many rows it touched. */
    private static final String MOVE = """
            CREATE OR REPLACE FUNCTION access_count_move() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE access_count SET total = total + (SELECT count(*) FROM added);
                ELSIF TG_OP = 'DELETE' THEN
                    UPDATE access_count SET total = total - (SELECT count(*) FROM removed);
                ELSE
                    UPDATE access_count SET total = 0;
                END IF;
                IF NOT FOUND THEN
                    PERFORM access_count_recount();
                END IF;
                RETURN NULL;
            END $$""";
    private static final String COUNTED = """
            SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'accesses'::regclass
                        AND tgname IN ('accesses_counted_insert', 'accesses_counted_delete', 'accesses_counted_truncate')) = 3
                   AND EXISTS (SELECT FROM access_count)""";
    /** Inserts wait (the lock conflicts with theirs) from the count until the triggers exist. */
    private static final String[] START_COUNTING = {
            "LOCK TABLE accesses IN SHARE ROW EXCLUSIVE MODE",
            """
            INSERT INTO access_count (total) SELECT count(*) FROM accesses
            ON CONFLICT (one) DO UPDATE SET total = excluded.total""",
            "DROP TRIGGER IF EXISTS accesses_counted_insert ON accesses",
            "DROP TRIGGER IF EXISTS accesses_counted_delete ON accesses",
            "DROP TRIGGER IF EXISTS accesses_counted_truncate ON accesses",
            """
            CREATE TRIGGER accesses_counted_insert AFTER INSERT ON accesses
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION access_count_move()""",
            """
            CREATE TRIGGER accesses_counted_delete AFTER DELETE ON accesses
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION access_count_move()""",
            """
            CREATE TRIGGER accesses_counted_truncate AFTER TRUNCATE ON accesses
            FOR EACH STATEMENT EXECUTE FUNCTION access_count_move()"""};
    private static final String TOTAL = "SELECT total FROM access_count";

    private AccessSchema() {
    }

    /**
     * Creates what is missing, in one transaction; returns the rows counted when the table had
     * to be counted now, or -1 when its count was already kept.
     */
    static long ensure(Connection connection) throws SQLException {
        // On a failure the pool rolls back and restores auto-commit before the connection is reused.
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(LOCK);
            statement.execute(ACCESSES);
            statement.execute(COUNT);
            statement.execute(RECOUNT);
            statement.execute(MOVE);
            long counted = -1;
            if (!query(statement, COUNTED)) {
                for (String sql : START_COUNTING) {
                    statement.execute(sql);
                }
                try (ResultSet total = statement.executeQuery(TOTAL)) {
                    total.next();
                    counted = total.getLong(1);
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
            return counted;
        }
    }

    private static boolean query(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
