package dev.desafios.sqlite;

import java.io.File;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Notes in one SQLite file, through one connection under a lock ({@link NotesConnection}).
 * WAL with {@code synchronous=FULL}: a write is on disk before its 201 goes out.
 *
 * <p>Every write is its own explicit transaction, and its answer comes only from a COMMIT that
 * succeeded: an id is handed out only for a committed row. (An implicit commit at the end of an
 * {@code INSERT ... RETURNING} fails where the driver does not look, when the statement is
 * reset: on a full disk every such note got the same id and none was stored.)
 *
 * <p>A full volume never deadlocks it: a note is refused while it would eat into the reserve
 * that deletes need ({@link StoreSpace}), and each delete gives its room back at once.
 */
final class NotesRepository implements AutoCloseable {
    private final NotesConnection store;

    private NotesRepository(NotesConnection store) {
        this.store = store;
    }

    /**
     * Opens (creating if needed) the database file and its schema. {@code maxBytes} above 0 bounds
     * the file (SQLite's {@code max_page_count}): past it writes are refused as on a full disk.
     */
    static NotesRepository open(String path, long maxBytes, long maxNoteBytes) {
        File directory = new File(path).getAbsoluteFile().getParentFile();
        return open(path, maxBytes, maxNoteBytes, directory::getUsableSpace);
    }

    /** As above, with the volume's free bytes from {@code usableBytes}: a test's volume of its own. */
    static NotesRepository open(String path, long maxBytes, long maxNoteBytes, LongSupplier usableBytes) {
        return new NotesRepository(NotesConnection.open(path, maxBytes, maxNoteBytes, usableBytes));
    }

    /** Stores the note and answers it with its id once the row is committed. */
    Note insert(Note.New note) {
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        long bytes = utf8Bytes(note.title()) + utf8Bytes(note.body()) + createdAt.length();
        return store.write("stored", bytes, connection -> {
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

    /**
     * Deletes the note; true when it existed and its removal is committed. A delete may use the
     * reserve, and the note's pages and the log are the volume's again before it answers.
     */
    boolean delete(long id) {
        boolean deleted = store.write("deleted", 0, connection -> {
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                return st.executeUpdate() == 1;
            }
        });
        if (deleted) {
            store.giveRoomBack();
        }
        return deleted;
    }

    /**
     * Hands notes newest first, from {@code offset}, one at a time as they are read, to
     * {@code reader}, until it takes no more or {@code limit} were read; true when it refused one.
     */
    boolean newestFirst(int limit, int offset, Predicate<Note> reader) {
        return store.read(connection -> {
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
        return store.read(connection -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, title, body, created_at FROM notes WHERE id = ?")) {
                st.setLong(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Whether the store takes notes now: room for the largest and a write of its own ({@link WriteProbe}). */
    boolean isWritable() {
        return store.isWritable();
    }

    @Override
    public void close() throws SQLException {
        store.close();
    }

    private static Note read(ResultSet rs) throws SQLException {
        return new Note(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

    /** The text's size in the file (UTF-8), without encoding a copy of it. */
    static long utf8Bytes(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
