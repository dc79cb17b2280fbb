package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.io.File;
import java.sql.SQLException;

/**
 * What a failed SQLite call means to a client: a full disk (or the database at its set maximum)
 * is a 507, any other failure of the store a 503. Never a 2xx and never a 500: the request was
 * fine, the store could not take it.
 */
final class StoreFailure {
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_IOERR = 10;
    /**
     * Below this much free space an I/O error while writing counts as a full disk: SQLite names
     * ENOSPC itself (SQLITE_FULL) on most paths, but not when it grows its shared-memory index.
     */
    private static final long NEARLY_FULL_BYTES = 1024 * 1024;

    private final File directory;

    StoreFailure(File directory) {
        this.directory = directory;
    }

    /** True when the failure is a full store rather than a broken one. */
    boolean isFull(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_FULL || (primary == SQLITE_IOERR && directory.getUsableSpace() < NEARLY_FULL_BYTES);
    }

    /** The problem for a failed read or write, logged once with SQLite's own message. */
    Problem problem(SQLException e, String action) {
        boolean full = isFull(e);
        Log.warn("the notes store failed", new JsonObject().add("action", action)
                .add("sqliteCode", e.getErrorCode()).add("error", Problem.bound(String.valueOf(e.getMessage()))));
        return full
                ? Problem.insufficientStorage("the notes store is full (no space left for the database); nothing was "
                        + action + "; retry once space is freed")
                : Problem.unavailable("the notes store failed; nothing was " + action + "; retry shortly");
    }
}
