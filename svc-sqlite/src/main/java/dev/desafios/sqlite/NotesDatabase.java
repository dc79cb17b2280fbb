package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The notes store's one SQLite connection, set up for a volume that can fill: WAL with
 * {@code synchronous=FULL} (a write is on disk before its 201 goes out), a log kept small by
 * frequent checkpoints, and a file that gives a deleted note's pages back to the volume.
 */
final class NotesDatabase {
    /** How long a write waits for another process's lock (a restore, a stray sqlite3) before a 503. */
    private static final int BUSY_MILLIS = 5000;

    private NotesDatabase() {
    }

    /**
     * Opens (creating if needed) the database file. {@code maxBytes} above 0 bounds the file
     * (SQLite's {@code max_page_count}): past it writes are refused as on a full disk.
     */
    static Connection open(String path, long maxBytes) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
        try (Statement st = connection.createStatement()) {
            // First, before anything is written: a new file is made with it, so that a delete
            // shrinks the file. An existing file keeps its mode until a VACUUM (NotesSchema).
            st.execute("PRAGMA auto_vacuum=FULL");
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA busy_timeout=" + BUSY_MILLIS);
            st.execute("PRAGMA wal_autocheckpoint=" + StoreSpace.CHECKPOINT_PAGES);
            if (maxBytes > 0) {
                st.execute("PRAGMA max_page_count = " + Math.max(1, maxBytes / pageSize(connection)));
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    static long pageSize(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_size")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Copies the log into the database file and truncates both, so that what a delete freed is
     * the volume's again at once. It does not wait: a reader (a backup) still on an older
     * snapshot keeps the rest of the log, and a later checkpoint takes it. True when it was all
     * done.
     */
    static boolean checkpoint(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("PRAGMA busy_timeout=0");
            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                return rs.next() && rs.getInt(1) == 0;
            } finally {
                st.execute("PRAGMA busy_timeout=" + BUSY_MILLIS);
            }
        }
    }
}
