package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The notes store's one connection, used under a lock: SQLite serialises writers anyway, and a
 * lock (not {@code synchronized}) lets waiting virtual threads unmount. Every write is its own
 * explicit transaction whose result is handed out only once its COMMIT succeeded; a write that
 * adds to the file is refused while it would eat into the reserve ({@link StoreSpace}); every
 * outcome also tells the health check ({@link WriteProbe}).
 */
final class NotesConnection implements AutoCloseable {
    private final Connection connection;
    private final StoreSpace space;
    private final StoreFailure failures;
    private final WriteProbe probe;
    private final ReentrantLock lock = new ReentrantLock();
    /** False while the schema could not be written (a full disk at start); tried again before each write. */
    private boolean schemaApplied;

    private NotesConnection(Connection connection, StoreSpace space, long maxNoteBytes) {
        this.connection = connection;
        this.space = space;
        this.failures = new StoreFailure(space);
        this.probe = new WriteProbe(space, maxNoteBytes);
    }

    /** Opens the database ({@link NotesDatabase#open}) and its schema, on a volume with {@code usableBytes} free. */
    static NotesConnection open(String path, long maxBytes, long maxNoteBytes, LongSupplier usableBytes) {
        try {
            Connection connection = NotesDatabase.open(path, maxBytes);
            var space = new StoreSpace(usableBytes, new File(path), NotesDatabase.pageSize(connection), maxNoteBytes);
            var store = new NotesConnection(connection, space, maxNoteBytes);
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
            NotesSchema.switchToAutoVacuum(connection, space);
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

    /**
     * One explicit transaction, answered only from a COMMIT that succeeded. A write that adds
     * {@code bytes} (above 0: a note) is refused, as on a full disk, while they would not fit
     * above the reserve; one that adds none (a delete) may use the reserve.
     */
    <T> T write(String action, long bytes, Work<T> work) {
        lock.lock();
        try (Statement st = connection.createStatement()) {
            applySchema();
            if (bytes > 0 && !space.fits(connection, bytes)) {
                probe.writeFailed();
                throw failures.refused(action, bytes);
            }
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

    /**
     * Hands what deletes freed back to the volume at once (a checkpoint that truncates the log and
     * the file). The deletes are committed whatever happens here: a checkpoint that fails is left
     * to the next one.
     */
    void giveRoomBack() {
        lock.lock();
        try {
            NotesDatabase.checkpoint(connection);
        } catch (SQLException e) {
            Log.warn("a checkpoint after a delete failed: the next one takes it",
                    new JsonObject().add("sqliteCode", e.getErrorCode()).add("error", String.valueOf(e.getMessage())));
        } finally {
            lock.unlock();
        }
    }

    /** Whether the store takes notes now: room for the largest and a write of its own ({@link WriteProbe}). */
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
