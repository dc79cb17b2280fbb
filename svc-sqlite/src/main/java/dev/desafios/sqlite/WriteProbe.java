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
    private final long noteBytes;
    private volatile boolean lastWriteFailed;

    WriteProbe(long noteBytes) {
        this.noteBytes = noteBytes;
    }

    void writeSucceeded() {
        lastWriteFailed = false;
    }

    void writeFailed() {
        lastWriteFailed = true;
    }

    /** True when the probe's write was committed. */
    boolean run(Connection connection) {
        try {
            if (lastWriteFailed) {
                commit(connection, noteBytes);
            }
            commit(connection, 0);
            lastWriteFailed = false;
            return true;
        } catch (SQLException e) {
            lastWriteFailed = true;
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
