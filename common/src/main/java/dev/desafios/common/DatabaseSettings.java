package dev.desafios.common;

import dev.desafios.common.Config.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a service's PostgreSQL is and how to log in, read the same way by every service that has
 * one: {@code DB_URL} (set means the database, unset means the service's in-memory mode),
 * {@code DB_USER}, {@code DB_PASSWORD_FILE} (passwords come only from files), {@code DB_POOL_SIZE}
 * and {@code STORES_WAIT} (how long start-up waits for the database). {@link #toString()} never
 * shows the password.
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, Duration startupWait) {

    /** Where the password file is mounted when {@code DB_PASSWORD_FILE} is unset. */
    public static final String DEFAULT_PASSWORD_FILE = "/run/secrets/db_password";
    /** {@code DB_USER} when unset: the user the challenges' databases create. */
    public static final String DEFAULT_USER = "app";
    /** {@code DB_POOL_SIZE} when unset, and its bounds. */
    public static final int DEFAULT_POOL_SIZE = 8;
    static final int MAX_POOL_SIZE = 64;
    /** {@code STORES_WAIT} when unset. */
    public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(30);

    private static final String URL_PREFIX = "jdbc:postgresql://";

    /** The settings when {@code DB_URL} is set; empty when it is not. */
    public static Optional<DatabaseSettings> from(Config config) {
        String url = config.text("DB_URL", null);
        if (url == null) {
            return Optional.empty();
        }
        checkUrl(url);
        return Optional.of(new DatabaseSettings(
                url,
                config.text("DB_USER", DEFAULT_USER),
                config.secretFile("DB_PASSWORD_FILE", DEFAULT_PASSWORD_FILE),
                (int) config.whole("DB_POOL_SIZE", DEFAULT_POOL_SIZE, 1, MAX_POOL_SIZE),
                config.duration("STORES_WAIT", DEFAULT_STARTUP_WAIT)));
    }

    private static void checkUrl(String url) {
        if (!url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
            throw ConfigException.invalid("DB_URL", url, "a PostgreSQL JDBC URL such as jdbc:postgresql://db:5432/app");
        }
        if (url.toLowerCase().matches(".*[?&]password=.*")) {
            throw ConfigException.invalid("DB_URL", URL_PREFIX + "...", "no password in the URL (use DB_PASSWORD_FILE)");
        }
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + " as " + user + ", pool " + poolSize + ", password from a file]";
    }
}
