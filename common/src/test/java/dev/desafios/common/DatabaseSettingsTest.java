package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DB_URL, DB_USER, DB_PASSWORD_FILE, DB_POOL_SIZE and STORES_WAIT, read alike by every service. */
class DatabaseSettingsTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String... pairs) throws IOException {
        Path password = Files.writeString(dir.resolve("db_password"), "s3cret\n");
        var env = new HashMap<String, String>(Map.of(
                "DB_URL", "jdbc:postgresql://db:5432/app", "DB_PASSWORD_FILE", password.toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void from_noDbUrl_emptyForTheInMemoryMode() {
        assertTrue(DatabaseSettings.from(new Config(Map.of("DB_USER", "app"))).isEmpty());
    }

    @Test
    void from_defaults_userAppPoolEightWaitThirtySecondsPasswordFromTheFile() throws IOException {
        DatabaseSettings settings = DatabaseSettings.from(new Config(env())).orElseThrow();

        assertEquals("jdbc:postgresql://db:5432/app", settings.url());
        assertEquals("app", settings.user());
        assertEquals("s3cret", settings.password());
        assertEquals(8, settings.poolSize());
        assertEquals(Duration.ofSeconds(30), settings.startupWait());
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
    }

    @Test
    void from_setValues_read() throws IOException {
        DatabaseSettings settings = DatabaseSettings.from(new Config(
                env("DB_USER", "users", "DB_POOL_SIZE", "3", "STORES_WAIT", "5s"))).orElseThrow();

        assertEquals("users", settings.user());
        assertEquals(3, settings.poolSize());
        assertEquals(Duration.ofSeconds(5), settings.startupWait());
    }

    @Test
    void from_badValues_oneLineNamingTheVariable() throws IOException {
        assertTrue(failure(env("DB_URL", "postgres://db/app")).getMessage().startsWith("DB_URL="));
        assertTrue(failure(env("DB_URL", "jdbc:postgresql://")).getMessage().startsWith("DB_URL="));
        String withPassword = failure(env("DB_URL", "jdbc:postgresql://db/app?user=a&password=hunter2")).getMessage();
        assertFalse(withPassword.contains("hunter2"), withPassword);
        assertTrue(failure(env("DB_POOL_SIZE", "0")).getMessage().startsWith("DB_POOL_SIZE="));
        assertTrue(failure(env("DB_POOL_SIZE", "65")).getMessage().startsWith("DB_POOL_SIZE="));
        assertTrue(failure(env("STORES_WAIT", "soon")).getMessage().startsWith("STORES_WAIT="));
        assertTrue(failure(env("DB_PASSWORD_FILE", dir.resolve("nope").toString())).getMessage()
                .startsWith("DB_PASSWORD_FILE="));
    }

    @Test
    void from_passwordFileUnset_readsTheDockerSecretPath() throws IOException {
        var env = env();
        env.remove("DB_PASSWORD_FILE");

        assertTrue(failure(env).getMessage().startsWith("DB_PASSWORD_FILE='/run/secrets/db_password'"));
    }

    private static ConfigException failure(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> DatabaseSettings.from(new Config(env)));
    }
}
