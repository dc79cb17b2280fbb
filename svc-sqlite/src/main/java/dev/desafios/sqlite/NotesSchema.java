package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the tables at start, idempotently, and brings a database made by an earlier version
 * up to this one ({@code PRAGMA user_version}).
 */
final class NotesSchema {
    /** AUTOINCREMENT: an id, once committed, is never given again, even after its note is deleted. */
    private static final String NOTES = """
            CREATE TABLE IF NOT EXISTS notes (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                title      TEXT NOT NULL,
                body       TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""";
    /** One row that the health check rewrites to prove that the store still takes writes. */
    private static final String WRITE_PROBE = """
            CREATE TABLE IF NOT EXISTS write_probe (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                at      TEXT NOT NULL,
                reserve BLOB
            )""";
    private static final int VERSION = 1;

    private NotesSchema() {
    }

    static void apply(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            int version = intOf(st, "PRAGMA user_version");
            if (version >= VERSION) {
                return;
            }
            boolean earlierVersion = intOf(st, "SELECT count(*) FROM sqlite_master WHERE name = 'notes'") == 1;
            st.execute("BEGIN IMMEDIATE");
            try {
                st.execute(NOTES);
                st.execute(WRITE_PROBE);
                st.execute("INSERT OR IGNORE INTO write_probe (id, at) VALUES (1, '')");
                if (earlierVersion) {
                    skipUnstoredId(st);
                }
                st.execute("PRAGMA user_version = " + VERSION);
                st.execute("COMMIT");
            } catch (SQLException e) {
                rollbackQuietly(st);
                throw e;
            }
        }
    }

    /**
     * Versions before 1 committed each insert implicitly and did not see that commit fail: on a
     * full disk they answered 201 with the next id (the last stored one plus one, the same for
     * every such note) without storing the note. That id may be in a client's hands, so it is
     * never given: the sequence moves past it, once.
     */
    private static void skipUnstoredId(Statement st) throws SQLException {
        if (st.executeUpdate("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'notes'") == 0) {
            st.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('notes', 1)");
        }
    }

    private static int intOf(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException noTransaction) {
            // SQLite already rolled back (it does on SQLITE_FULL inside a statement).
        }
    }
}
