package dev.desafios.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store kept in a service's own PostgreSQL ({@link ServiceDatabase}): its {@code /health}
 * check, its metrics and its close are the database's, every call's failure is the database's
 * 503 or 507, and a read is one statement whose rows become entries.
 */
public abstract class DatabaseStore implements AutoCloseable {
    /** Reads one entry from the current row of a result. */
    @FunctionalInterface
    protected interface Row<T> {
        /** The entry in the result's current row. */
        T read(ResultSet row) throws SQLException;
    }

    private final ServiceDatabase database;

    /** A store on {@code database}, which it closes. */
    protected DatabaseStore(ServiceDatabase database) {
        this.database = database;
    }

    /** Adds the database's {@code postgres} check to {@code /health}. */
    public void addChecks(Health health) {
        database.addChecks(health);
    }

    /** Counts the database's pools in the service's metrics. */
    public void addMetrics(Metrics metrics) {
        database.addMetrics(metrics);
    }

    @Override
    public void close() {
        database.close();
    }

    /**
     * Begins the start-up transaction on {@code connection}: first the advisory lock {@code lock},
     * held to the commit, so that instances that start together take turns (CREATE ... IF NOT
     * EXISTS races otherwise), then each statement of the schema. The caller commits.
     */
    protected static void beginSchema(Connection connection, long lock, String... schema) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + lock + ")");
            for (String sql : schema) {
                statement.execute(sql);
            }
        }
    }

    /** Runs work on a request connection; a failure becomes the store's 503 or 507 problem. */
    protected <T> T call(ConnectionPool.Work<T> work) {
        return database.call(work);
    }

    /** The entry of the row {@code sql} selects with {@code parameters} (in order), or empty when none. */
    protected <T> Optional<T> one(String sql, Row<T> row, Object... parameters) {
        return call(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? Optional.of(row.read(result)) : Optional.empty();
                }
            }
        });
    }

    /** The entries of every row {@code sql} selects with {@code parameters} (in order); {@code expected} sizes the list. */
    protected <T> List<T> list(String sql, int expected, Row<T> row, Object... parameters) {
        return call(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet result = statement.executeQuery()) {
                    var entries = new ArrayList<T>(expected);
                    while (result.next()) {
                        entries.add(row.read(result));
                    }
                    return entries;
                }
            }
        });
    }

    /** Whole numbers as PostgreSQL's integer and bigint (setInt, setLong), anything else as the driver maps it. */
    private static void bind(PreparedStatement statement, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            switch (parameters[i]) {
                case Integer value -> statement.setInt(i + 1, value);
                case Long value -> statement.setLong(i + 1, value);
                case null, default -> statement.setObject(i + 1, parameters[i]);
            }
        }
    }
}
