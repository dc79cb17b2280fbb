package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The notes store's one SQLite connection: WAL with {@code synchronous=FULL} (a write is on disk
 * before its 201 goes out).
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
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA busy_timeout=" + BUSY_MILLIS);
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
}
