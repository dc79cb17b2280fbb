package dev.desafios.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted note's pages go back to the volume: a new file is made with auto_vacuum, one made
 * by an earlier version is switched at start (schema version 2) when the volume has room for
 * it, and goes on without it, its free pages counted as room, when it has not. A delete does
 * not wait for a reader (a backup) to checkpoint.
 */
class NotesAutoVacuumTest {
    @TempDir
    Path dir;

    @Test
    void open_newDatabaseWithNoRoomForAVacuum_autoVacuumFromItsFirstPageAndVersion2() throws SQLException {
        long free = StoreSpace.reserveBytes(4096, Note.MAX_STORED_BYTES) + 10_000;
        NotesRepository.open(database().toString(), 0, Note.MAX_STORED_BYTES, () -> free).close();

        assertEquals(List.of(1L, 2L), pragmas("auto_vacuum", "user_version"));
    }

    @Test
    void open_databaseWithoutAutoVacuum_switchedAtStartKeepingItsNotes() throws Exception {
        List<Long> kept = earlierDatabase(20, 10);
        long before = Files.size(database());

        try (var notes = open(1L << 30)) {
            assertEquals(kept, listed(notes));
            assertEquals(List.of(1L, 2L, 0L), pragmas("auto_vacuum", "user_version", "freelist_count"));
            assertTrue(Files.size(database()) < before - 9 * 30_000, before + " -> " + Files.size(database()));
            long switched = Files.size(database());

            assertTrue(notes.delete(kept.getFirst()));

            assertTrue(Files.size(database()) <= switched - 7 * 4096,
                    "a 30 KB note fills 7 pages of its own: " + switched + " -> " + Files.size(database()));
            assertEquals(21, notes.insert(NotesFullVolumeTest.EURO).id(), "ids go on after the VACUUM");
        }
    }

    @Test
    void open_databaseWithoutAutoVacuumOnANearlyFullVolume_goesOnWithoutItItsFreePagesCountedAsRoom() throws Exception {
        List<Long> ids = earlierDatabase(20, 0);
        // Room for a 30 KB note but not for the largest, nor for the VACUUM; the same however the files change.
        long free = StoreSpace.reserveBytes(4096, Note.MAX_STORED_BYTES) + 20_000;

        try (var notes = NotesRepository.open(database().toString(), 0, Note.MAX_STORED_BYTES, () -> free)) {
            assertEquals(List.of(0L, 1L), pragmas("auto_vacuum", "user_version"), "no room for the VACUUM");
            assertFalse(notes.isWritable());
            long pages = pragmas("page_count").getFirst();

            assertTrue(notes.delete(ids.removeFirst()));

            assertTrue(notes.isWritable(), "the pages the delete freed in the file are room");
            ids.add(notes.insert(NotesFullVolumeTest.EURO).id());
            assertTrue(pragmas("page_count").getFirst() <= pages + 1, "the note took the pages the delete freed");
            assertEquals(ids, listed(notes));
        }
        try (var notes = open(1L << 30)) {
            assertEquals(List.of(1L, 2L), pragmas("auto_vacuum", "user_version"), "switched once there is room");
        }
    }

    @Test
    void delete_whileABackupHoldsASnapshot_answersWithoutWaitingAndTheNextDeleteTruncatesTheLog() throws Exception {
        try (var notes = open(1L << 30)) {
            long first = notes.insert(new Note.New("first", "b")).id();
            long second = notes.insert(new Note.New("second", "b")).id();

            try (Connection backup = DriverManager.getConnection("jdbc:sqlite:" + database());
                    Statement st = backup.createStatement()) {
                st.execute("BEGIN");
                st.executeQuery("SELECT count(*) FROM notes").close();
                long start = System.nanoTime();
                assertTrue(notes.delete(first));
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "the delete waited for the reader");
                st.execute("COMMIT");
            }

            assertTrue(notes.delete(second));
            assertEquals(0, Files.size(dir.resolve("notes.db-wal")));
        }
    }

    private NotesRepository open(long volume) {
        return NotesRepository.open(database().toString(), 0, Note.MAX_STORED_BYTES,
                () -> volume - NotesFullVolumeTest.filesBytes(dir));
    }

    private Path database() {
        return dir.resolve("notes.db");
    }

    /**
     * A database as version 1 made it (no auto_vacuum) with {@code count} notes of 30 KB, the
     * first {@code deleted} of them deleted; the ids kept.
     */
    private List<Long> earlierDatabase(int count, int deleted) throws SQLException {
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + database());
                Statement st = old.createStatement()) {
            st.executeQuery("PRAGMA journal_mode=WAL").close();
            NotesSchema.apply(old);
            try (PreparedStatement insert = old.prepareStatement(
                    "INSERT INTO notes (title, body, created_at) VALUES ('old', ?, '2026-01-01T00:00:00Z')")) {
                insert.setString(1, NotesFullVolumeTest.EURO.body());
                for (int i = 0; i < count; i++) {
                    insert.executeUpdate();
                }
            }
            st.execute("DELETE FROM notes WHERE id <= " + deleted);
        }
        assertEquals(List.of(0L, 1L), pragmas("auto_vacuum", "user_version"));
        List<Long> kept = new ArrayList<>();
        for (long id = deleted + 1; id <= count; id++) {
            kept.add(id);
        }
        return kept;
    }

    private List<Long> pragmas(String... names) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database()); Statement st = c.createStatement()) {
            for (String name : names) {
                try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
                    values.add(rs.next() ? rs.getLong(1) : -1);
                }
            }
        }
        return values;
    }

    private static List<Long> listed(NotesRepository notes) {
        List<Long> ids = new ArrayList<>();
        notes.newestFirst(10_000, 0, note -> { ids.addFirst(note.id()); return true; });
        return ids;
    }
}
