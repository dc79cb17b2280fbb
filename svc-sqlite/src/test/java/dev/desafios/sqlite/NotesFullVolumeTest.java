package dev.desafios.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.desafios.common.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume that fills, against a real SQLite file: the store is given its volume's free bytes,
 * a volume of {@code volumeBytes} that holds only the database's files (each in whole 4 KiB
 * blocks, as a filesystem counts them). A note is refused before the files outgrow it, a delete
 * on it succeeds and gives its room back, and a note of that size fits again.
 */
class NotesFullVolumeTest {
    private static final long RESERVE = StoreSpace.reserveBytes(4096, Note.MAX_STORED_BYTES);
    /** 10 000 euro signs, three bytes each: the note of the guide's full-disk example. */
    static final Note.New EURO = new Note.New("fill", "\u20ac".repeat(Note.New.MAX_BODY));
    /** The largest note: four bytes of UTF-8 in every character. */
    static final Note.New LARGEST = new Note.New("\uD83D\uDE00".repeat(Note.New.MAX_TITLE),
            "\uD83D\uDE00".repeat(Note.New.MAX_BODY));
    private static final long VOLUME = 4L * 1024 * 1024;

    @TempDir
    Path dir;

    private long volumeBytes;
    private NotesRepository notes;

    @AfterEach
    void close() throws Exception {
        if (notes != null) {
            notes.close();
        }
    }

    @Test
    void insert_volumeDownToTheReserve_507WhileTheReserveIsStillFreeAndEveryNoteKept() {
        notes = open(VOLUME);

        List<Long> ids = fill(EURO);

        assertTrue(ids.size() > 50, "stored " + ids.size());
        assertTrue(usable() >= RESERVE - 64 * 1024, "refused only once the reserve was used: " + usable() + " free");
        assertEquals(ids, listed());
    }

    @Test
    void delete_onAFullVolume_succeedsGivesItsRoomBackAndTheNoteFitsAgain() {
        notes = open(VOLUME);
        List<Long> ids = fill(EURO);
        long full = filesBytes();

        assertTrue(notes.delete(ids.removeFirst()));

        assertTrue(filesBytes() <= full - 30_000, "the files went from " + full + " to " + filesBytes() + " bytes");
        ids.add(notes.insert(EURO).id());
        assertEquals(ids, listed());
    }

    @Test
    void fillDeleteThreePostThree_fiveRounds_everyAcknowledgedNoteKept() {
        notes = open(VOLUME);
        List<Long> ids = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            ids.addAll(fill(EURO));
            for (int i = 0; i < 3; i++) {
                assertTrue(notes.delete(ids.removeFirst()), "round " + round);
            }
            for (int i = 0; i < 3; i++) {
                ids.add(notes.insert(EURO).id());
            }
            assertTrue(filesBytes() <= volumeBytes);
        }
        assertEquals(ids, listed());
    }

    @Test
    void isWritable_largestNoteWouldNotFit_downEvenRightAfterASmallNoteFits_upOnceItWould() {
        var free = new AtomicLong(VOLUME);
        notes = NotesRepository.open(dir.resolve("notes.db").toString(), 0, Note.MAX_STORED_BYTES, free::get);
        // A delete checkpoints: nothing is left in the log to grow the file.
        assertTrue(notes.delete(notes.insert(new Note.New("first", "")).id()));
        assertTrue(notes.isWritable());

        // Less than the largest note takes, more than a small one.
        free.set(RESERVE + 40_000);

        assertFalse(notes.isWritable());
        notes.insert(new Note.New("small", "still fits"));
        assertFalse(notes.isWritable(), "a small note's write is not the largest note's room");
        assertEquals(507, assertThrows(Problem.class, () -> notes.insert(LARGEST)).status());
        free.set(RESERVE + Note.MAX_STORED_BYTES + 64 * 1024);
        assertTrue(notes.isWritable());
        notes.insert(LARGEST);
    }

    @Test
    void insert_manyNotes_theLogStaysWithinItsCheckpointBound() throws IOException {
        notes = open(1L << 30);
        long most = 0;
        for (int i = 0; i < 60; i++) {
            notes.insert(LARGEST);
            most = Math.max(most, Files.size(dir.resolve("notes.db-wal")));
        }
        assertTrue(most <= (StoreSpace.CHECKPOINT_PAGES + 20) * (4096 + 24), "the log reached " + most + " bytes");
    }

    private NotesRepository open(long volume) {
        volumeBytes = volume;
        return NotesRepository.open(dir.resolve("notes.db").toString(), 0, Note.MAX_STORED_BYTES, this::usable);
    }

    /** Inserts the note until it is refused, each refusal a 507, the files within the volume; the ids stored. */
    private List<Long> fill(Note.New note) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            try {
                ids.add(notes.insert(note).id());
            } catch (Problem refused) {
                assertEquals(507, refused.status(), refused.getMessage());
                return ids;
            }
            assertTrue(filesBytes() <= volumeBytes, "the files outgrew the volume after " + ids.size() + " notes");
        }
        return fail("the volume never filled");
    }

    private long usable() {
        return volumeBytes - filesBytes();
    }

    private long filesBytes() {
        return filesBytes(dir);
    }

    /** The database's files in whole 4 KiB blocks. */
    static long filesBytes(Path dir) {
        long bytes = 0;
        for (String name : List.of("notes.db", "notes.db-wal", "notes.db-shm")) {
            try {
                Path file = dir.resolve(name);
                bytes += Files.exists(file) ? Math.ceilDiv(Files.size(file), 4096) * 4096 : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    /** Every id listed, oldest first. */
    private List<Long> listed() {
        List<Long> ids = new ArrayList<>();
        notes.newestFirst(10_000, 0, note -> { ids.addFirst(note.id()); return true; });
        return ids;
    }
}
