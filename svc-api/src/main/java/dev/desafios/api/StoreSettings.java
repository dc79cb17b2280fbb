package dev.desafios.api;

import dev.desafios.common.Config;
import dev.desafios.common.Config.ConfigException;
import dev.desafios.common.DatabaseSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * Challenge 3's settings: where PostgreSQL and Redis are and how to log in. Both URLs set means
 * challenge 3; neither means challenge 1 (in memory); one without the other is a mistake. The
 * database's part is read as every service reads it ({@link DatabaseSettings}). Passwords come
 * only from files; {@link #toString()} never shows them.
 */
record StoreSettings(DatabaseSettings db, String redisHost, int redisPort, int redisDatabase, String redisPassword) {

    static final String DEFAULT_DB_PASSWORD_FILE = DatabaseSettings.DEFAULT_PASSWORD_FILE;
    static final String DEFAULT_REDIS_PASSWORD_FILE = "/run/secrets/redis_password";

    /** The settings when {@code DB_URL} and {@code REDIS_URL} are both set; empty when neither is. */
    static Optional<StoreSettings> from(Config config) {
        String dbUrl = config.text("DB_URL", null);
        String redisUrl = config.text("REDIS_URL", null);
        if (dbUrl == null && redisUrl == null) {
            return Optional.empty();
        }
        if (dbUrl == null) {
            throw ConfigException.missing("DB_URL", "REDIS_URL is set, and the API needs both stores or neither");
        }
        if (redisUrl == null) {
            throw ConfigException.missing("REDIS_URL", "DB_URL is set, and the API needs both stores or neither");
        }
        DatabaseSettings db = DatabaseSettings.from(config).orElseThrow();
        URI redis = redisUri(redisUrl);
        return Optional.of(new StoreSettings(
                db,
                redis.getHost(),
                redis.getPort() < 0 ? 6379 : redis.getPort(),
                redisDatabase(redisUrl, redis),
                config.secretFile("REDIS_PASSWORD_FILE", DEFAULT_REDIS_PASSWORD_FILE)));
    }

    String dbUrl() {
        return db.url();
    }

    String dbUser() {
        return db.user();
    }

    String dbPassword() {
        return db.password();
    }

    int dbPoolSize() {
        return db.poolSize();
    }

    /** {@code STORES_WAIT}: how long start-up waits for both stores. */
    Duration startupWait() {
        return db.startupWait();
    }

    private static URI redisUri(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() != null) {
                throw ConfigException.invalid("REDIS_URL", "redis://...",
                        "no password in the URL (use REDIS_PASSWORD_FILE)");
            }
            if ("redis".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw ConfigException.invalid("REDIS_URL", url, "a URL such as redis://cache:6379");
    }

    private static int redisDatabase(String url, URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || "/".equals(path)) {
            return 0;
        }
        if (path.matches("/[0-9]{1,2}")) {
            return Integer.parseInt(path.substring(1));
        }
        throw ConfigException.invalid("REDIS_URL", url, "a URL such as redis://cache:6379 or redis://cache:6379/0");
    }

    @Override
    public String toString() {
        return "StoreSettings[db=" + db.url() + " as " + db.user() + ", pool " + db.poolSize()
                + ", redis=" + redisHost + ":" + redisPort + "/" + redisDatabase + ", passwords from files]";
    }
}
