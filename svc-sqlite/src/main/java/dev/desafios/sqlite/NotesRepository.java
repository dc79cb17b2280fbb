package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Notes in one SQLite file. One connection, used under a lock: SQLite serialises writers
 * anyway, and a lock (not {@code synchronized}) lets waiting virtual threads unmount.
 * WAL with {@code synchronous=FULL}: a write is on disk before its 201 goes out.
 */
final class NotesRepository implements AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS notes (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                title      TEXT NOT NULL,
                body       TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private NotesRepository(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) the database file and its schema. */
    static NotesRepository open(String path) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA busy_timeout=5000");
                st.execute(SCHEMA);
            }
            return new NotesRepository(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the SQLite database at " + path + ": " + e.getMessage(), e);
        }
    }

    Note insert(Note.New note) {
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        return locked(() -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO notes (title, body, created_at) VALUES (?, ?, ?) RETURNING id")) {
                st.setString(1, note.title());
                st.setString(2, note.body());
                st.setString(3, createdAt);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new Note(rs.getLong(1), note.title(), note.body(), createdAt);
                }
            }
        });
    }

    List<Note> newestFirst(int limit, int offset) {
        return locked(() -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, title, body, created_at FROM notes ORDER BY id DESC LIMIT ? OFFSET ?")) {
                st.setInt(1, limit);
                st.setInt(2, offset);
                try (ResultSet rs = st.executeQuery()) {
                    var notes = new ArrayList<Note>();
                    while (rs.next()) {
                        notes.add(read(rs));
                    }
                    return notes;
                }
            }
        });
    }

    Optional<Note> find(long id) {
        return locked(() -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, title, body, created_at FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    boolean delete(long id) {
        return locked(() -> {
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                return st.executeUpdate() == 1;
            }
        });
    }

    boolean isHealthy() {
        return locked(() -> {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                return rs.next();
            }
        });
    }

    @Override
    public void close() throws SQLException {
        lock.lock();
        try {
            connection.close();
        } finally {
            lock.unlock();
        }
    }

    private static Note read(ResultSet rs) throws SQLException {
        return new Note(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T locked(Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("SQLite failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
