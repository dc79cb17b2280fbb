package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the tables at start, idempotently, and brings a database made by an earlier version
 * up to this one ({@code PRAGMA user_version}): 1, the tables and the id skipped below; 2, a file
 * with {@code auto_vacuum=FULL}, which gives a deleted note's pages back to the volume.
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
    private static final int TABLES = 1;
    private static final int VERSION = 2;

    private NotesSchema() {
    }

    static void apply(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            int version = intOf(st, "PRAGMA user_version");
            if (version >= TABLES) {
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
                // A new file has auto_vacuum from its first page (NotesDatabase.open): version 2 at once.
                st.execute("PRAGMA user_version = " + (intOf(st, "PRAGMA auto_vacuum") == 0 ? TABLES : VERSION));
                st.execute("COMMIT");
            } catch (SQLException e) {
                rollbackQuietly(st);
                throw e;
            }
        }
    }

    /**
     * Version 2 for a file made without auto_vacuum: only a VACUUM switches it, and a VACUUM
     * writes every page again through the log. Run once at start (never before a client's write:
     * it takes as long as the file is large), when the volume has room for that above the
     * reserve; otherwise the file goes on without it, one line in the log says why, and the next
     * start tries again. Until then {@link StoreSpace#room} counts the pages a delete frees inside
     * the file. Either way the log is truncated after, so a copy that failed halfway gives its room
     * back.
     */
    static void switchToAutoVacuum(Connection connection, StoreSpace space) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (intOf(st, "PRAGMA user_version") != TABLES) {
                return;
            }
            if (intOf(st, "PRAGMA auto_vacuum") != 0) {
                st.execute("PRAGMA user_version = " + VERSION);
                return;
            }
            long needed = space.vacuumBytes(connection);
            if (!space.fits(connection, needed)) {
                Log.warn("the database keeps a deleted note's pages in its file: too little room to switch it"
                        + " to auto_vacuum",
                        new JsonObject().add("neededBytes", needed).add("roomBytes", space.room(connection)));
                return;
            }
            try {
                st.execute("PRAGMA auto_vacuum=FULL");
                st.execute("VACUUM");
                st.execute("PRAGMA user_version = " + VERSION);
                Log.info("the database now gives a deleted note's pages back to the volume (auto_vacuum)");
            } catch (SQLException e) {
                Log.warn("the database keeps a deleted note's pages in its file: its switch to auto_vacuum failed",
                        new JsonObject().add("error", String.valueOf(e.getMessage())));
            } finally {
                NotesDatabase.checkpoint(connection);
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
