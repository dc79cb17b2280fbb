package dev.desafios.sqlite;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.sql.SQLException;

/**
 * What a failed SQLite call means to a client: a full disk (or the database at its set maximum)
 * is a 507, any other failure of the store a 503. Never a 2xx and never a 500: the request was
 * fine, the store could not take it.
 */
final class StoreFailure {
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_IOERR = 10;

    private final StoreSpace space;

    StoreFailure(StoreSpace space) {
        this.space = space;
    }

    /**
     * True when the failure is a full store rather than a broken one. An I/O error while less than
     * the reserve is free counts as a full disk: SQLite names ENOSPC itself (SQLITE_FULL) on most
     * paths, but not when it grows its shared-memory index.
     */
    boolean isFull(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_FULL || (primary == SQLITE_IOERR && space.usable() < space.reserve());
    }

    /** The problem for a failed read or write, logged once with SQLite's own message. */
    Problem problem(SQLException e, String action) {
        boolean full = isFull(e);
        Log.warn("the notes store failed", new JsonObject().add("action", action)
                .add("sqliteCode", e.getErrorCode()).add("error", Problem.bound(String.valueOf(e.getMessage()))));
        return full ? full(action)
                : Problem.unavailable("the notes store failed; nothing was " + action + "; retry shortly");
    }

    /**
     * The problem for a note refused before it was written: the volume's last free space is kept
     * for deletes ({@link StoreSpace}), so to a client the store is full. Logged once, with the
     * figures.
     */
    Problem refused(String action, long bytes) {
        Log.warn("the notes store refused a write: the volume is down to its reserve", new JsonObject()
                .add("action", action).add("bytes", bytes).add("usableBytes", space.usable())
                .add("reserveBytes", space.reserve()));
        return full(action);
    }

    private static Problem full(String action) {
        return Problem.insufficientStorage("the notes store is full (no space left for the database); nothing was "
                + action + "; retry once space is freed");
    }
}
