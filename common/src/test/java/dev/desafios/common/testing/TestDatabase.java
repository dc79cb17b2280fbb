package dev.desafios.common.testing;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real PostgreSQL that the users and orders integration tests ({@code *IT}) use, named by
 * {@code TEST_PG_URL}, {@code TEST_PG_USER} and {@code TEST_PG_PASSWORD_FILE} (as for svc-api's).
 * Never mocked, never skipped: a missing variable fails the test, saying how to start the server.
 * The tests drop and create their own tables (users, orders) in that throwaway database. The
 * caller's module brings the JDBC driver.
 */
public record TestDatabase(String url, String user, String passwordFile) {

    private static final List<String> VARIABLES = List.of("TEST_PG_URL", "TEST_PG_USER", "TEST_PG_PASSWORD_FILE");

    private static final String HOW_TO = """
            The integration tests (*IT) need a real PostgreSQL; not set: %s.
            cli-scripts/test-all.sh starts it (cli-scripts/test-stores.sh) and exports these variables.
            By hand: source cli-scripts/build-images.sh; source cli-scripts/test-stores.sh; test_stores_up
            (as root; test_stores_forget removes it), or see svc-api's TestStores for a docker run;
            then ./mvnw verify (the *IT run in its integration-test phase; ./mvnw test leaves them out).""";

    /** The server named by the environment; fails the calling test when any variable is missing. */
    public static TestDatabase fromEnvironment() {
        Map<String, String> env = System.getenv();
        var missing = VARIABLES.stream().filter(name -> env.getOrDefault(name, "").isBlank()).toList();
        if (!missing.isEmpty()) {
            fail(HOW_TO.formatted(String.join(", ", missing)));
        }
        return new TestDatabase(env.get("TEST_PG_URL"), env.get("TEST_PG_USER"), env.get("TEST_PG_PASSWORD_FILE"));
    }

    /** A service's environment for this database ({@code DB_URL}, {@code DB_USER}, {@code DB_PASSWORD_FILE}) and the overrides. */
    public Map<String, String> serviceEnv(Map<String, String> overrides) {
        var env = new HashMap<String, String>(Map.of(
                "DB_URL", url,
                "DB_USER", user,
                "DB_PASSWORD_FILE", passwordFile,
                "STORES_WAIT", "10s"));
        env.putAll(overrides);
        return env;
    }

    /** The database's host and port, for a {@link TcpProxy} in front of it. */
    public String host() {
        return URI.create(url.substring("jdbc:".length())).getHost();
    }

    /** The database's port. */
    public int port() {
        int port = URI.create(url.substring("jdbc:".length())).getPort();
        return port < 0 ? 5432 : port;
    }

    /** {@link #url} with its host and port replaced (to go through a proxy, or nowhere). */
    public String urlVia(String hostPort) {
        return url.replaceFirst("^jdbc:postgresql://[^/?]+", "jdbc:postgresql://" + hostPort);
    }

    /** A direct connection, outside any service's pool. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, read(passwordFile));
    }

    /** Runs one statement directly. */
    public void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of the first row of a query, as a long. */
    public long queryLong(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
