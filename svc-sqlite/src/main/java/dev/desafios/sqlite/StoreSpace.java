package dev.desafios.sqlite;

import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;

/**
 * The room the notes have left on their volume, above a reserve that only deletes and the health
 * check may use. Without it a full volume deadlocks the store: a delete appends to the
 * write-ahead log, the log is reused only once a checkpoint has copied it into the database
 * file, and that copy may have to grow the file into the full disk. So a note is refused (507)
 * while storing it would leave the reserve short, and the reserve holds what the writes it does
 * not stop, a delete and its checkpoint, need.
 */
final class StoreSpace {
    /** The log is checkpointed once a commit takes it past this many pages: it stays small. */
    static final int CHECKPOINT_PAGES = 128;
    /** Each frame of the log is one page behind a header of this many bytes. */
    private static final int FRAME_HEADER = 24;
    /** A note longer than a page continues on overflow pages, each behind a 4-byte link. */
    private static final int OVERFLOW_LINK = 4;
    /**
     * Pages a write touches besides the note's own: its leaf and a split of it, their parent,
     * the id sequence, the header page, pointer-map pages. Counted twice over to be safe.
     */
    private static final int BOOKKEEPING_PAGES = 8;
    /** The log's shared-memory index grows by this much (once the log passes 4096 frames). */
    private static final int INDEX_STEP = 32 * 1024;

    private final LongSupplier usableBytes;
    private final File databaseFile;
    private final long pageSize;
    private final long reserveBytes;

    StoreSpace(LongSupplier usableBytes, File databaseFile, long pageSize, long maxNoteBytes) {
        this.usableBytes = usableBytes;
        this.databaseFile = databaseFile;
        this.pageSize = pageSize;
        this.reserveBytes = reserveBytes(pageSize, maxNoteBytes);
    }

    /**
     * The reserve, from the page size and the checkpoint bound:
     * <ul>
     * <li>one cycle of the log: a delete empties it (a checkpoint that truncates it), and writes
     * this check does not stop (the health check's row, deletes) may grow it again up to the
     * checkpoint bound, plus the commit that crosses the bound;
     * <li>the frames of a delete of the largest note on top: its pages freed, as many moved into
     * their place from the end of the file (auto_vacuum), and the bookkeeping;
     * <li>a step of the log's index, and the bookkeeping pages again for the filesystem's rounding.
     * </ul>
     * What a checkpoint will add to the database file is not in it: {@link #room} counts that as
     * used already, however long a reader (a backup) holds the checkpoint back.
     */
    static long reserveBytes(long pageSize, long maxNoteBytes) {
        long notePages = Math.ceilDiv(maxNoteBytes, pageSize - OVERFLOW_LINK) + BOOKKEEPING_PAGES;
        long logCycle = CHECKPOINT_PAGES + notePages;
        long delete = 2 * notePages;
        return (logCycle + delete) * (pageSize + FRAME_HEADER) + INDEX_STEP + BOOKKEEPING_PAGES * pageSize;
    }

    long reserve() {
        return reserveBytes;
    }

    /** Free bytes on the volume, as the filesystem counts them for this process. */
    long usable() {
        return usableBytes.getAsLong();
    }

    /**
     * Bytes the notes may still take above the reserve: the volume's free space, less what the
     * next checkpoint will add to the database file (pages committed to the log past the file's
     * end), plus free pages inside the file (none with auto_vacuum; a database that could not be
     * switched to it keeps a deleted note's pages there, and a new note reuses them).
     */
    long room(Connection connection) throws SQLException {
        long pages;
        long freePages;
        try (Statement st = connection.createStatement()) {
            pages = longOf(st, "PRAGMA page_count");
            freePages = longOf(st, "PRAGMA freelist_count");
        }
        long checkpointGrowth = Math.max(0, pages * pageSize - databaseFile.length());
        return usable() - checkpointGrowth + freePages * pageSize - reserveBytes;
    }

    /** True when {@code bytes} more fit above the reserve. */
    boolean fits(Connection connection, long bytes) throws SQLException {
        return room(connection) >= bytes;
    }

    /**
     * What a VACUUM writes to the volume: every page of the new file goes through the log (the
     * temporary copy it builds goes to SQLite's temporary folder, not here), with a pointer-map
     * page for each pageSize / 5 pages when the new file has auto_vacuum.
     */
    long vacuumBytes(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            long pages = longOf(st, "PRAGMA page_count");
            return (pages + pages / (pageSize / 5) + 1) * (pageSize + FRAME_HEADER);
        }
    }

    private static long longOf(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
