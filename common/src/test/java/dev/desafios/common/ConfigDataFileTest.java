package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDataFileTest {

    @Test
    void dataFile_folderExists_pathReturned(@TempDir Path folder) {
        String path = folder.resolve("notes.db").toString();

        assertEquals(path, new Config(Map.of("DB_PATH", path)).dataFile("DB_PATH", "/data/notes.db"));
    }

    @Test
    void dataFile_folderMissing_oneLineNamingVariableAndFolder(@TempDir Path folder) {
        String path = folder.resolve("no-volume").resolve("notes.db").toString();

        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("DB_PATH", path)).dataFile("DB_PATH", "/data/notes.db"));

        assertTrue(e.getMessage().startsWith("DB_PATH="), e.getMessage());
        assertTrue(e.getMessage().contains("no-volume' does not exist: mount a volume there"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void dataFile_unset_defaultChecked(@TempDir Path folder) throws Exception {
        Path file = Files.createFile(folder.resolve("kept.db"));

        assertEquals(file.toString(), new Config(Map.of()).dataFile("DB_PATH", file.toString()));
    }
}
