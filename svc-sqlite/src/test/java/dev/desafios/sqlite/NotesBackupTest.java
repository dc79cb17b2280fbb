package dev.desafios.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotesBackupTest {
    @TempDir
    Path dir;

    @Test
    void backup_liveDatabase_restoredCopyServesTheSameNotes() throws Exception {
        Path live = dir.resolve("notes.db");
        long firstId;
        var copy = new ByteArrayOutputStream();
        try (var notes = NotesRepository.open(live.toString(), 0, Note.MAX_STORED_BYTES)) {
            firstId = notes.insert(new Note.New("kept", "written before the backup")).id();
            notes.insert(new Note.New("also kept", "b"));

            // The service still has the database open, its last writes in the log beside it.
            assertEquals(2, NotesBackup.backup(live, copy));
            notes.insert(new Note.New("after the backup", "not in the copy"));
        }
        Path restored = Files.createDirectory(dir.resolve("fresh")).resolve("notes.db");

        assertEquals(2, NotesBackup.restore(new ByteArrayInputStream(copy.toByteArray()), restored));

        try (var notes = NotesRepository.open(restored.toString(), 0, Note.MAX_STORED_BYTES)) {
            assertEquals("kept", notes.find(firstId).orElseThrow().title());
        }
        assertFalse(Files.exists(dir.resolve("notes.db.backup-" + ProcessHandle.current().pid())), "the copy on the volume is removed");
    }

    @Test
    void restore_notADatabase_refusedAndTheDatabaseKept() throws Exception {
        Path live = dir.resolve("notes.db");
        try (var notes = NotesRepository.open(live.toString(), 0, Note.MAX_STORED_BYTES)) {
            notes.insert(new Note.New("kept", "b"));
        }
        var garbage = new ByteArrayInputStream("not a database at all".repeat(100).getBytes(StandardCharsets.UTF_8));

        var e = assertThrows(IOException.class, () -> NotesBackup.restore(garbage, live));

        assertTrue(e.getMessage().contains("not a notes database"), e.getMessage());
        assertEquals(1, NotesBackup.checked(live));
        assertFalse(Files.exists(dir.resolve("notes.db.restoring")));
    }

    @Test
    void restore_copyLeavingLessThanTheReserve_refusedAndTheDatabaseKept() throws Exception {
        Path live = dir.resolve("notes.db");
        var copy = new ByteArrayOutputStream();
        try (var notes = NotesRepository.open(live.toString(), 0, Note.MAX_STORED_BYTES)) {
            notes.insert(new Note.New("kept", "b"));
            NotesBackup.backup(live, copy);
            notes.insert(new Note.New("second", "not in the copy"));
        }
        Path target = Files.createDirectory(dir.resolve("small")).resolve("notes.db");
        Files.copy(live, target);
        long reserve = StoreSpace.reserveBytes(4096, Note.MAX_STORED_BYTES);
        long oldFiles = Files.size(target);

        var e = assertThrows(IOException.class, () -> NotesBackup.restore(
                new ByteArrayInputStream(copy.toByteArray()), target, () -> reserve - oldFiles - 1));

        assertTrue(e.getMessage().contains("larger volume"), e.getMessage());
        assertEquals(2, NotesBackup.checked(target), "the old database is kept");
        assertFalse(Files.exists(target.resolveSibling("notes.db.restoring")));
        assertEquals(1, NotesBackup.restore(new ByteArrayInputStream(copy.toByteArray()), target, () -> reserve - oldFiles));
    }

    @Test
    void restore_overOldDatabase_itsLogRemovedSoItIsNotReplayed() throws Exception {
        Path source = dir.resolve("source.db");
        try (var notes = NotesRepository.open(source.toString(), 0, Note.MAX_STORED_BYTES)) {
            notes.insert(new Note.New("from the backup", "b"));
        }
        var copy = new ByteArrayOutputStream();
        NotesBackup.backup(source, copy);
        Path target = dir.resolve("notes.db");
        Files.writeString(target.resolveSibling("notes.db-wal"), "a log of another database");

        NotesBackup.restore(new ByteArrayInputStream(copy.toByteArray()), target);

        assertFalse(Files.exists(target.resolveSibling("notes.db-wal")));
        assertEquals(1, NotesBackup.checked(target));
    }

    @Test
    void run_unknownCommand_exit2() {
        assertEquals(2, NotesBackup.run("serve-twice", dir.resolve("notes.db")));
    }

    @Test
    void run_checkWithoutDatabase_exit1AndNoneCreated() {
        assertEquals(1, NotesBackup.run("check", dir.resolve("missing.db")));
        assertFalse(Files.exists(dir.resolve("missing.db")));
    }
}
