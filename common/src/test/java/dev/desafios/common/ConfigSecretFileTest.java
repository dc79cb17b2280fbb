package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSecretFileTest {
    @TempDir
    Path dir;

    private String secret(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), content);
        return new Config(Map.of("X_PASSWORD_FILE", file.toString())).secretFile("X_PASSWORD_FILE", "/nowhere");
    }

    @Test
    void secretFile_trailingNewline_stripped() throws IOException {
        assertEquals("s3cret", secret("s3cret\n"));
        assertEquals("s3cret", secret("s3cret\r\n"));
        assertEquals("s3cret", secret("s3cret"));
    }

    @Test
    void secretFile_innerAndLeadingSpaces_kept() throws IOException {
        assertEquals(" a b\n", secret(" a b\n\n"));
    }

    @Test
    void secretFile_unset_readsTheDefaultPath() throws IOException {
        Path file = Files.writeString(dir.resolve("default"), "from-default\n");

        assertEquals("from-default", new Config(Map.of()).secretFile("X_PASSWORD_FILE", file.toString()));
    }

    @Test
    void secretFile_missing_errorNamesTheVariableAndPathNotAValue() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of()).secretFile("X_PASSWORD_FILE", dir.resolve("absent").toString()));

        assertTrue(e.getMessage().startsWith("X_PASSWORD_FILE='"), e.getMessage());
        assertTrue(e.getMessage().contains("NoSuchFileException"), e.getMessage());
    }

    @Test
    void secretFile_aDirectory_errorNamesTheVariable() {
        var e = assertThrows(Config.ConfigException.class,
                () -> new Config(Map.of("X_PASSWORD_FILE", dir.toString())).secretFile("X_PASSWORD_FILE", "/x"));

        assertTrue(e.getMessage().startsWith("X_PASSWORD_FILE="), e.getMessage());
    }

    @Test
    void secretFile_empty_errorWithoutTheContent() throws IOException {
        var e = assertThrows(Config.ConfigException.class, () -> secret("\n"));

        assertTrue(e.getMessage().startsWith("X_PASSWORD_FILE="), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void missing_namesTheVariableAndWhy() {
        assertEquals("DB_URL is not set: REDIS_URL is set",
                Config.ConfigException.missing("DB_URL", "REDIS_URL is set").getMessage());
    }
}
