package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The real PostgreSQL and Redis that the integration tests ({@code *IT}) use, found through the
 * environment. Never mocked, never skipped: when a variable is missing every test fails with a
 * message saying how to start the servers.
 *
 * <ul>
 *   <li>{@code TEST_PG_URL}: JDBC URL of a throwaway database, such as
 *       {@code jdbc:postgresql://127.0.0.1:55432/app}. The tests drop and create its table
 *       {@code accesses}.</li>
 *   <li>{@code TEST_PG_USER}: its user, such as {@code app}.</li>
 *   <li>{@code TEST_PG_PASSWORD_FILE}: a file holding that user's password.</li>
 *   <li>{@code TEST_REDIS_URL}: such as {@code redis://127.0.0.1:56379} of a throwaway server;
 *       the tests move and reset the counter {@code desafio3:visits}.</li>
 *   <li>{@code TEST_REDIS_PASSWORD_FILE}: a file holding Redis's {@code requirepass}.</li>
 * </ul>
 */
record TestStores(String pgUrl, String pgUser, String pgPasswordFile, String redisUrl, String redisPasswordFile) {

    static final List<String> VARIABLES = List.of(
            "TEST_PG_URL", "TEST_PG_USER", "TEST_PG_PASSWORD_FILE", "TEST_REDIS_URL", "TEST_REDIS_PASSWORD_FILE");

    private static final String HOW_TO = """
            The integration tests (*IT) need a real PostgreSQL and Redis; not set: %s.
            cli-scripts/test-all.sh starts both and exports these variables. By hand, for example:
              mkdir -p /tmp/it3 && cd /tmp/it3 && umask 077
              head -c 18 /dev/urandom | base64 | tr -d '/+=' > pg_password
              head -c 18 /dev/urandom | base64 | tr -d '/+=' > redis_password
              printf 'requirepass %%s\\n' "$(cat redis_password)" > redis.conf
              cp pg_password pg_password.999 && chown 999:999 pg_password.999 redis.conf
              docker run -d --name it3-pg --user 999:999 --tmpfs /var/run/postgresql:uid=999,gid=999 \\
                --tmpfs /tmp -e POSTGRES_USER=app -e POSTGRES_DB=app \\
                -e POSTGRES_PASSWORD_FILE=/run/secrets/db_password \\
                -v /tmp/it3/pg_password.999:/run/secrets/db_password:ro \\
                -p 127.0.0.1:55432:5432 postgres:15-bookworm
              docker run -d --name it3-redis --user 999:999 \\
                -v /tmp/it3/redis.conf:/usr/local/etc/redis/redis.conf:ro \\
                -p 127.0.0.1:56379:6379 redis:7-bookworm redis-server /usr/local/etc/redis/redis.conf
              export TEST_PG_URL=jdbc:postgresql://127.0.0.1:55432/app TEST_PG_USER=app \\
                TEST_PG_PASSWORD_FILE=/tmp/it3/pg_password \\
                TEST_REDIS_URL=redis://127.0.0.1:56379 TEST_REDIS_PASSWORD_FILE=/tmp/it3/redis_password
            then ./mvnw verify (the *IT run in its integration-test phase; ./mvnw test leaves them out).
            (desafios/airgap-postgres:15 and desafios/airgap-redis:7 work the same way.)""";

    /** The servers named by the environment; fails the calling test when any variable is missing. */
    static TestStores fromEnvironment() {
        Map<String, String> env = System.getenv();
        var missing = new ArrayList<String>();
        for (String name : VARIABLES) {
            if (env.getOrDefault(name, "").isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            fail(HOW_TO.formatted(String.join(", ", missing)));
        }
        return new TestStores(env.get("TEST_PG_URL"), env.get("TEST_PG_USER"), env.get("TEST_PG_PASSWORD_FILE"),
                env.get("TEST_REDIS_URL"), env.get("TEST_REDIS_PASSWORD_FILE"));
    }

    /** The API's environment for challenge 3 against these servers, plus the overrides. */
    Map<String, String> apiEnv(Map<String, String> overrides) {
        var env = new HashMap<String, String>(Map.of(
                "HOSTNAME", "api-it",
                "DB_URL", pgUrl,
                "DB_USER", pgUser,
                "DB_PASSWORD_FILE", pgPasswordFile,
                "REDIS_URL", redisUrl,
                "REDIS_PASSWORD_FILE", redisPasswordFile,
                "STORES_WAIT", "10s"));
        env.putAll(overrides);
        return env;
    }

    /** The API's settings for these servers, plus the overrides. */
    StoreSettings settings(Map<String, String> overrides) {
        return StoreSettings.from(new dev.desafios.common.Config(apiEnv(overrides))).orElseThrow();
    }

    String pgHostPort() {
        URI uri = URI.create(pgUrl.substring("jdbc:".length()));
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** {@link #pgUrl} with its host and port replaced (to go through a proxy, or nowhere). */
    String pgUrlVia(String hostPort) {
        return pgUrl.replaceFirst("^jdbc:postgresql://[^/?]+", "jdbc:postgresql://" + hostPort);
    }

    String redisHost() {
        return URI.create(redisUrl).getHost();
    }

    int redisPort() {
        int port = URI.create(redisUrl).getPort();
        return port < 0 ? 6379 : port;
    }

    /** A direct connection, outside the API's pool. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(pgUrl, pgUser, read(pgPasswordFile));
    }

    /** A direct Redis client, outside the API's pool. */
    Jedis jedis() {
        return new Jedis(new HostAndPort(redisHost(), redisPort()),
                DefaultJedisClientConfig.builder().password(read(redisPasswordFile)).timeoutMillis(2000).build());
    }

    /** Rows in accesses, counted directly. */
    long rows() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM accesses")) {
            count.next();
            return count.getLong(1);
        }
    }

    /** The Redis counter, read directly. */
    long counter() {
        try (Jedis jedis = jedis()) {
            String value = jedis.get(PostgresRedisVisitStore.COUNTER_KEY);
            return value == null ? 0 : Long.parseLong(value);
        }
    }

    /** Runs one statement directly. */
    void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
