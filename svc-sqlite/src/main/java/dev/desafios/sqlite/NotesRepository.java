package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Notes in one SQLite file. One connection, used under a lock: SQLite serialises writers
 * anyway, and a lock (not {@code synchronized}) lets waiting virtual threads unmount.
 * WAL with {@code synchronous=FULL}: a write is on disk before its 201 goes out.
 *
 * <p>Every write is its own explicit transaction, and its answer comes only from a COMMIT that
 * succeeded: an id is handed out only for a committed row. (An implicit commit at the end of an
 * {@code INSERT ... RETURNING} fails where the driver does not look, when the statement is
 * reset: on a full disk every such note got the same id and none was stored.)
 */
final class NotesRepository implements AutoCloseable {
    private final Connection connection;
    private final StoreFailure failures;
    private final WriteProbe probe;
    private final ReentrantLock lock = new ReentrantLock();
    /** False while the schema could not be written (a full disk at start); tried again before each write. */
    private boolean schemaApplied;

    private NotesRepository(Connection connection, StoreFailure failures, long maxNoteBytes) {
        this.connection = connection;
        this.failures = failures;
        this.probe = new WriteProbe(maxNoteBytes);
    }

    /**
     * Opens (creating if needed) the database file and its schema. {@code maxBytes} above 0 bounds
     * the file (SQLite's {@code max_page_count}): past it writes are refused as on a full disk.
     */
    static NotesRepository open(String path, long maxBytes, long maxNoteBytes) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA busy_timeout=5000");
                if (maxBytes > 0) {
                    st.execute("PRAGMA max_page_count = " + Math.max(1, maxBytes / pageSize(st)));
                }
            }
            File directory = new File(path).getAbsoluteFile().getParentFile();
            var repository = new NotesRepository(connection, new StoreFailure(directory), maxNoteBytes);
            repository.applySchemaAtStart(path);
            return repository;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the SQLite database at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A full disk at start does not stop the service: it reads what is stored, refuses writes with
     * 507, and writes the schema before the first write that finds space again.
     */
    private void applySchemaAtStart(String path) throws SQLException {
        try {
            applySchema();
        } catch (SQLException e) {
            if (!failures.isFull(e)) {
                throw e;
            }
            Log.warn("the disk is full: the schema is written once space returns",
                    new JsonObject().add("path", path).add("error", String.valueOf(e.getMessage())));
        }
    }

    private void applySchema() throws SQLException {
        if (!schemaApplied) {
            NotesSchema.apply(connection);
            schemaApplied = true;
        }
    }

    /** Stores the note and answers it with its id once the row is committed. */
    Note insert(Note.New note) {
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        return write("stored", () -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO notes (title, body, created_at) VALUES (?, ?, ?)")) {
                st.setString(1, note.title());
                st.setString(2, note.body());
                st.setString(3, createdAt);
                st.executeUpdate();
            }
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                return new Note(rs.getLong(1), note.title(), note.body(), createdAt);
            }
        });
    }

    /** Deletes the note; true when it existed and its removal is committed. */
    boolean delete(long id) {
        return write("deleted", () -> {
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                return st.executeUpdate() == 1;
            }
        });
    }

    /**
     * Hands notes newest first, from {@code offset}, one at a time as they are read, to
     * {@code reader}, until it takes no more or {@code limit} were read; true when it refused one.
     */
    boolean newestFirst(int limit, int offset, Predicate<Note> reader) {
        return read(() -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, title, body, created_at FROM notes ORDER BY id DESC LIMIT ? OFFSET ?")) {
                st.setInt(1, limit);
                st.setInt(2, offset);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (!reader.test(read(rs))) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        });
    }

    Optional<Note> find(long id) {
        return read(() -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, title, body, created_at FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Whether the store takes writes now: a write of its own ({@link WriteProbe}), not a read. */
    boolean isWritable() {
        lock.lock();
        try {
            applySchema();
            return probe.run(connection);
        } catch (SQLException e) {
            probe.writeFailed();
            return false;
        } finally {
            lock.unlock();
        }
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

    private static long pageSize(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /** One explicit transaction; its outcome (committed or not) also tells the health check. */
    private <T> T write(String action, Work<T> work) {
        lock.lock();
        try (Statement st = connection.createStatement()) {
            applySchema();
            st.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                st.execute("COMMIT");
                probe.writeSucceeded();
                return result;
            } catch (SQLException e) {
                NotesSchema.rollbackQuietly(st);
                throw e;
            }
        } catch (SQLException e) {
            probe.writeFailed();
            throw failures.problem(e, action);
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw failures.problem(e, "read");
        } finally {
            lock.unlock();
        }
    }
}
