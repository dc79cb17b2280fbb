package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The notes store's one connection, used under a lock: SQLite serialises writers anyway, and a
 * lock (not {@code synchronized}) lets waiting virtual threads unmount. Every write is its own
 * explicit transaction whose result is handed out only once its COMMIT succeeded; every outcome
 * also tells the health check ({@link WriteProbe}).
 */
final class NotesConnection implements AutoCloseable {
    private final Connection connection;
    private final StoreFailure failures;
    private final WriteProbe probe;
    private final ReentrantLock lock = new ReentrantLock();
    /** False while the schema could not be written (a full disk at start); tried again before each write. */
    private boolean schemaApplied;

    private NotesConnection(Connection connection, StoreFailure failures, long maxNoteBytes) {
        this.connection = connection;
        this.failures = failures;
        this.probe = new WriteProbe(maxNoteBytes);
    }

    /** Opens the database ({@link NotesDatabase#open}) and its schema. */
    static NotesConnection open(String path, long maxBytes, long maxNoteBytes) {
        try {
            Connection connection = NotesDatabase.open(path, maxBytes);
            File directory = new File(path).getAbsoluteFile().getParentFile();
            var store = new NotesConnection(connection, new StoreFailure(directory), maxNoteBytes);
            store.applySchemaAtStart(path);
            return store;
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

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** One explicit transaction, answered only from a COMMIT that succeeded. */
    <T> T write(String action, Work<T> work) {
        lock.lock();
        try (Statement st = connection.createStatement()) {
            applySchema();
            st.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(connection);
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

    <T> T read(Work<T> work) {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw failures.problem(e, "read");
        } finally {
            lock.unlock();
        }
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
}
