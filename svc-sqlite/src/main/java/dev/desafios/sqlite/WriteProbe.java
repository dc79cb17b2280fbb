package dev.desafios.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The health check of the notes store: a write, because a store that still reads can have
 * stopped taking writes (a full disk answers {@code SELECT 1} as before). Normally it rewrites one
 * small row. After a note could not be written it writes as much as the largest note would take,
 * and clears it at once: a small write can still fit where a note no longer does, and the store
 * is UP again only when a note would fit again. Called under the repository's lock.
 */
final class WriteProbe {
    /**
     * A write that succeeded this recently answers the check without another: however often
     * {@code /health} is called, it makes the store write (and sync) at most once a second.
     * A failure is never reused, so the store is UP again as soon as a write fits.
     */
    static final long FRESH_NANOS = 1_000_000_000L;

    private final long noteBytes;
    private volatile boolean lastWriteFailed;
    /** When a write last succeeded (System.nanoTime()), while none has failed since. */
    private volatile long succeededAt;
    private volatile boolean succeededSince;

    WriteProbe(long noteBytes) {
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

    /** True when the probe's write, or a write under a second old, was committed. */
    boolean run(Connection connection) {
        if (succeededSince && System.nanoTime() - succeededAt < FRESH_NANOS) {
            return true;
        }
        try {
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
