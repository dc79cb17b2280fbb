package dev.desafios.api;

import dev.desafios.common.Config;
import dev.desafios.common.Config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * Challenge 3's settings: where PostgreSQL and Redis are and how to log in. Both URLs set means
 * challenge 3; neither means challenge 1 (in memory); one without the other is a mistake.
 * Passwords come only from files; {@link #toString()} never shows them.
 */
record StoreSettings(String dbUrl, String dbUser, String dbPassword, int dbPoolSize,
                     String redisHost, int redisPort, int redisDatabase, String redisPassword,
                     Duration startupWait) {

    static final String DEFAULT_DB_PASSWORD_FILE = "/run/secrets/db_password";
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
        checkDbUrl(dbUrl);
        URI redis = redisUri(redisUrl);
        return Optional.of(new StoreSettings(
                dbUrl,
                config.text("DB_USER", "app"),
                config.secretFile("DB_PASSWORD_FILE", DEFAULT_DB_PASSWORD_FILE),
                (int) config.whole("DB_POOL_SIZE", 8, 1, 64),
                redis.getHost(),
                redis.getPort() < 0 ? 6379 : redis.getPort(),
                redisDatabase(redisUrl, redis),
                config.secretFile("REDIS_PASSWORD_FILE", DEFAULT_REDIS_PASSWORD_FILE),
                config.duration("STORES_WAIT", Duration.ofSeconds(30))));
    }

    private static void checkDbUrl(String url) {
        if (!url.startsWith("jdbc:postgresql://") || url.length() == "jdbc:postgresql://".length()) {
            throw ConfigException.invalid("DB_URL", url, "a PostgreSQL JDBC URL such as jdbc:postgresql://db:5432/app");
        }
        if (url.toLowerCase().matches(".*[?&]password=.*")) {
            throw ConfigException.invalid("DB_URL", "jdbc:postgresql://...",
                    "no password in the URL (use DB_PASSWORD_FILE)");
        }
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
        return "StoreSettings[db=" + dbUrl + " as " + dbUser + ", pool " + dbPoolSize
                + ", redis=" + redisHost + ":" + redisPort + "/" + redisDatabase + ", passwords from files]";
    }
}
