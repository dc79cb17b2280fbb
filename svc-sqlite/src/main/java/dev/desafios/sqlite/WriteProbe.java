package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The health check of the notes store: a write, because a store that still reads can have
 * stopped taking writes (a full disk answers {@code SELECT 1} as before). First, the largest note
 * must fit above the reserve ({@link StoreSpace}): the store is DOWN while it would not, however
 * recently a smaller write succeeded, and UP again as soon as it would. Then it rewrites one small
 * row. After a note could not be written it also writes as much as the largest note would take,
 * and clears it at once: with {@code DB_MAX_BYTES} the file's own bound, not the volume, may be
 * what refuses a note. Called under the connection's lock.
 */
final class WriteProbe {
    /**
     * A write that succeeded this recently answers the check without another: however often
     * {@code /health} is called, it makes the store write (and sync) at most once a second.
     * A failure is never reused, so the store is UP again as soon as a write fits.
     */
    static final long FRESH_NANOS = 1_000_000_000L;

    private final StoreSpace space;
    private final long noteBytes;
    private volatile boolean lastWriteFailed;
    /** When a write last succeeded (System.nanoTime()), while none has failed since. */
    private volatile long succeededAt;
    private volatile boolean succeededSince;

    WriteProbe(StoreSpace space, long noteBytes) {
        this.space = space;
        this.noteBytes = noteBytes;
    }

    void writeSucceeded() {
        lastWriteFailed = false;
        succeededAt = System.nanoTime();
        succeededSince = true;
    }

    void writeFailed() {
        lastWriteFailed = true;
        succeededSince = false;
    }

    /** True when the largest note fits and the probe's write, or a write under a second old, was committed. */
    boolean run(Connection connection) {
        try {
            if (!space.fits(connection, noteBytes)) {
                writeFailed();
                return false;
            }
            if (succeededSince && System.nanoTime() - succeededAt < FRESH_NANOS) {
                return true;
            }
            if (lastWriteFailed) {
                commit(connection, noteBytes);
            }
            commit(connection, 0);
            writeSucceeded();
            return true;
        } catch (SQLException e) {
            writeFailed();
            return false;
        }
    }

    private static void commit(Connection connection, long reserveBytes) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE write_probe SET at = ?, reserve = CASE WHEN ? > 0 THEN randomblob(?) END WHERE id = 1")) {
                update.setString(1, Instant.now().toString());
                update.setLong(2, reserveBytes);
                update.setLong(3, reserveBytes);
                update.executeUpdate();
                st.execute("COMMIT");
            } catch (SQLException e) {
                NotesSchema.rollbackQuietly(st);
                throw e;
            }
        }
    }
}
