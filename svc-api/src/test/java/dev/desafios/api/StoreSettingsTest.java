package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Config;
import dev.desafios.common.Config.ConfigException;
import dev.desafios.common.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which mode the API runs in and how challenge 3's settings are read; no server needed. */
class StoreSettingsTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String... pairs) throws IOException {
        Path db = Files.writeString(dir.resolve("db_password"), "db-secret\n");
        Path redis = Files.writeString(dir.resolve("redis_password"), "redis-secret");
        var env = new HashMap<String, String>(Map.of(
                "DB_URL", "jdbc:postgresql://db:5432/app",
                "REDIS_URL", "redis://cache:6379",
                "DB_PASSWORD_FILE", db.toString(),
                "REDIS_PASSWORD_FILE", redis.toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                env.remove(pairs[i]);
            } else {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    private static StoreSettings read(Map<String, String> env) {
        return StoreSettings.from(new Config(env)).orElseThrow();
    }

    private static ConfigException failure(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> StoreSettings.from(new Config(env)));
    }

    @Test
    void from_neitherUrl_inMemoryMode() {
        assertTrue(StoreSettings.from(new Config(Map.of("DB_USER", "app"))).isEmpty());
    }

    @Test
    void from_bothUrls_defaultsAndPasswordsFromFiles() throws IOException {
        StoreSettings settings = read(env());

        assertEquals("jdbc:postgresql://db:5432/app", settings.dbUrl());
        assertEquals("app", settings.dbUser());
        assertEquals("db-secret", settings.dbPassword(), "one trailing newline stripped");
        assertEquals(8, settings.dbPoolSize());
        assertEquals("cache", settings.redisHost());
        assertEquals(6379, settings.redisPort());
        assertEquals(0, settings.redisDatabase());
        assertEquals("redis-secret", settings.redisPassword());
        assertEquals(Duration.ofSeconds(30), settings.startupWait());
    }

    @Test
    void from_oneUrlWithoutTheOther_errorNamesTheMissingOne() throws IOException {
        assertTrue(failure(env("REDIS_URL", null)).getMessage().startsWith("REDIS_URL is not set"));
        assertTrue(failure(env("DB_URL", null)).getMessage().startsWith("DB_URL is not set"));
    }

    @Test
    void from_passwordFileMissing_errorNamesTheVariable() throws IOException {
        var e = failure(env("DB_PASSWORD_FILE", dir.resolve("nope").toString()));

        assertTrue(e.getMessage().startsWith("DB_PASSWORD_FILE="), e.getMessage());
        assertTrue(e.getMessage().contains("NoSuchFileException"), e.getMessage());
    }

    @Test
    void from_passwordFileUnset_readsTheDockerSecretPath() throws IOException {
        var e = failure(env("REDIS_PASSWORD_FILE", null));

        assertTrue(e.getMessage().startsWith("REDIS_PASSWORD_FILE='/run/secrets/redis_password'"), e.getMessage());
    }

    @Test
    void from_passwordFileEmpty_error() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertTrue(failure(env("REDIS_PASSWORD_FILE", empty.toString())).getMessage()
                .startsWith("REDIS_PASSWORD_FILE="));
    }

    @Test
    void from_passwordInAUrl_refusedWithoutEchoingIt() throws IOException {
        var db = failure(env("DB_URL", "jdbc:postgresql://db/app?user=app&password=hunter2"));
        var redis = failure(env("REDIS_URL", "redis://:hunter2@cache:6379"));

        assertTrue(db.getMessage().startsWith("DB_URL="), db.getMessage());
        assertTrue(redis.getMessage().startsWith("REDIS_URL="), redis.getMessage());
        assertFalse(db.getMessage().contains("hunter2") || redis.getMessage().contains("hunter2"));
    }

    @Test
    void from_badUrls_errorNamesTheVariable() throws IOException {
        for (String bad : new String[] {"postgres://db/app", "jdbc:mysql://db/app", "jdbc:postgresql://"}) {
            assertTrue(failure(env("DB_URL", bad)).getMessage().startsWith("DB_URL="), bad);
        }
        for (String bad : new String[] {"http://cache:6379", "cache:6379", "redis://cache:6379/x", "redis:///0"}) {
            assertTrue(failure(env("REDIS_URL", bad)).getMessage().startsWith("REDIS_URL="), bad);
        }
    }

    @Test
    void from_redisDatabaseAndPort_read() throws IOException {
        StoreSettings settings = read(env("REDIS_URL", "redis://10.0.0.5:7000/3"));

        assertEquals("10.0.0.5", settings.redisHost());
        assertEquals(7000, settings.redisPort());
        assertEquals(3, settings.redisDatabase());
    }

    @Test
    void from_poolSizeOutOfRange_errorNamesIt() throws IOException {
        for (String bad : new String[] {"0", "65", "many"}) {
            assertTrue(failure(env("DB_POOL_SIZE", bad)).getMessage().startsWith("DB_POOL_SIZE="), bad);
        }
        assertEquals(64, read(env("DB_POOL_SIZE", "64")).dbPoolSize());
    }

    @Test
    void from_badStartupWait_errorNamesIt() throws IOException {
        assertTrue(failure(env("STORES_WAIT", "forever")).getMessage().startsWith("STORES_WAIT="));
        assertEquals(Duration.ofSeconds(5), read(env("STORES_WAIT", "5s")).startupWait());
    }

    @Test
    void toString_neverShowsPasswords() throws IOException {
        String text = read(env()).toString();

        assertFalse(text.contains("db-secret") || text.contains("redis-secret"), text);
    }

    @Test
    void apiStart_oneUrlOnly_configErrorBeforeListening() throws IOException {
        var e = assertThrows(ConfigException.class, () -> ApiService.start(TestServer.freePorts(env("DB_URL", null))));

        assertTrue(e.getMessage().startsWith("DB_URL is not set"), e.getMessage());
    }
}
