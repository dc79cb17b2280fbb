package dev.desafios.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;

/**
 * Backup and restore of the notes file, run by a one-shot container of the service's own image
 * on the volume ({@code cli-scripts/desafio2/backup.sh} and {@code restore.sh}): the image already
 * holds SQLite, and the file is read and written by the uid that owns it.
 *
 * <p>A copy of the files (a {@code tar} of the volume) while the service writes may catch the
 * database and its write-ahead log at different moments: the copy is then a database that never
 * existed, or a corrupt one. {@code VACUUM INTO} reads inside one transaction instead, so the copy
 * is the database as one commit left it, while the service goes on writing (in WAL mode readers
 * and the writer do not wait for each other). The copy is one file, with no log beside it.
 */
final class NotesBackup {
    /** SQLite's log and its shared-memory index, beside the database. */
    private static final String[] LOG_FILES = {"-wal", "-shm"};

    private NotesBackup() {
    }

    /**
     * {@code backup} (the copy to stdout), {@code restore} (the copy from stdin) or {@code check}
     * on the database at {@code DB_PATH}; what happened is one line on stderr, since stdout may be
     * the copy. Returns the exit code: 0 done, 1 failed, 2 an unknown command.
     */
    static int run(String command, Path database) {
        try {
            switch (command) {
                case "backup" -> System.err.println("notes backed up: " + backup(database, System.out) + ", from " + database);
                case "restore" -> System.err.println("restored " + restore(System.in, database) + " notes into " + database);
                case "check" -> System.err.println(database + ": integrity_check ok, " + checked(database) + " notes");
                default -> {
                    System.err.println("svc-sqlite: unknown command " + command + " (backup, restore or check; none to serve)");
                    return 2;
                }
            }
            return 0;
        } catch (IOException | SQLException e) {
            System.err.println("svc-sqlite " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** Writes a consistent copy of the live database to {@code out}; returns its note count. */
    static long backup(Path database, OutputStream out) throws IOException, SQLException {
        requireFile(database);
        // VACUUM INTO writes a file: beside the database, on the volume, removed once sent.
        Path copy = database.resolveSibling(database.getFileName() + ".backup-" + ProcessHandle.current().pid());
        try {
            try (Connection connection = open(database); Statement st = connection.createStatement()) {
                st.execute("PRAGMA busy_timeout=5000");
                st.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
            }
            long notes = checked(copy);
            Files.copy(copy, out);
            out.flush();
            return notes;
        } finally {
            // A VACUUM INTO that failed (a full volume) also leaves the copy's rollback journal.
            Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + "-journal"));
            Files.deleteIfExists(copy);
        }
    }

    /**
     * Replaces the database with the copy read from {@code in}, once that copy passes SQLite's
     * integrity check and holds the notes table. The old database's log and shared-memory files
     * go too: left beside the new file, SQLite would replay the old log into it. The service must
     * not be running on this volume (restore.sh stops it first). Returns the note count.
     */
    static long restore(InputStream in, Path database) throws IOException, SQLException {
        var folder = database.toAbsolutePath().getParent().toFile();
        return restore(in, database, folder::getUsableSpace);
    }

    /**
     * The same, with the volume's free bytes from {@code usableBytes}. A copy that would leave less
     * than the store's reserve free ({@link StoreSpace}) is refused, the old database kept: on
     * such a volume the service could not even delete a note to make room.
     */
    static long restore(InputStream in, Path database, LongSupplier usableBytes) throws IOException, SQLException {
        Path incoming = database.resolveSibling(database.getFileName() + ".restoring");
        try {
            Files.copy(in, incoming, StandardCopyOption.REPLACE_EXISTING);
            Copy copy = inspected(incoming);
            requireReserveLeft(copy.pageSize(), database, usableBytes.getAsLong());
            for (String log : LOG_FILES) {
                Files.deleteIfExists(database.resolveSibling(database.getFileName() + log));
            }
            Files.move(incoming, database, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return copy.notes();
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    /** Refuses the copy when, once it replaces the database and its log, the reserve would not be free. */
    private static void requireReserveLeft(long pageSize, Path database, long usable) throws IOException {
        long freed = Files.exists(database) ? Files.size(database) : 0;
        for (String log : LOG_FILES) {
            Path old = database.resolveSibling(database.getFileName() + log);
            freed += Files.exists(old) ? Files.size(old) : 0;
        }
        long reserve = StoreSpace.reserveBytes(pageSize, Note.MAX_STORED_BYTES);
        long free = usable + freed;
        if (free < reserve) {
            throw new IOException("the volume would have " + free + " bytes free with this copy, less than the "
                    + reserve + " the store keeps free so that a note can always be deleted: restore it onto a "
                    + "larger volume (nothing was changed)");
        }
    }

    /** The note count of a database that passes {@code PRAGMA integrity_check}; otherwise why not. */
    static long checked(Path database) throws IOException, SQLException {
        return inspected(database).notes();
    }

    /** A copy that passed the check: its note count and its page size. */
    private record Copy(long notes, long pageSize) {
    }

    private static Copy inspected(Path database) throws IOException, SQLException {
        requireFile(database);
        try (Connection connection = open(database); Statement st = connection.createStatement()) {
            try (ResultSet integrity = st.executeQuery("PRAGMA integrity_check")) {
                String result = integrity.next() ? integrity.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new IOException(database + " fails SQLite's integrity check: " + result);
                }
            }
            try (ResultSet count = st.executeQuery("SELECT count(*) FROM notes")) {
                return new Copy(count.next() ? count.getLong(1) : 0, NotesDatabase.pageSize(connection));
            }
        } catch (SQLException e) {
            throw new IOException(database + " is not a notes database: " + e.getMessage(), e);
        }
    }

    /** SQLite would create a missing file, empty: a wrong volume or path is said instead. */
    private static void requireFile(Path database) throws IOException {
        if (!Files.isRegularFile(database)) {
            throw new IOException("no database at " + database + ": is this the service's volume?");
        }
    }

    private static Connection open(Path database) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + database);
    }
}
