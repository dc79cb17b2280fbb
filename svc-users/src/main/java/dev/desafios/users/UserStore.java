package dev.desafios.users;

import dev.desafios.common.Health;
import dev.desafios.common.Metrics;
import java.util.List;
import java.util.Optional;

/** Where users are kept: in memory ({@link InMemoryUserStore}) or in PostgreSQL ({@link PostgresUserStore}). */
interface UserStore extends AutoCloseable {
    /** The users every store starts with, ids 1 to 3 in this order. */
    List<User.New> SEED_USERS = List.of(
            new User.New("Ada Lovelace", "ada@example.org"),
            new User.New("Alan Turing", "alan@example.org"),
            new User.New("Grace Hopper", "grace@example.org"));
    /** How many users are seeded; they count towards an in-memory store's maximum. */
    int SEEDS = SEED_USERS.size();

    /** Stores a new user with the next id; 409 when the e-mail address (compared without case) is taken. */
    User add(User.New user);

    /** The user with this id, if stored. */
    Optional<User> find(long id);

    /** One page of users, lowest id first. */
    List<User> page(int limit, int offset);

    /** Adds a {@code /health} check for each store this one depends on (none in memory). */
    default void addChecks(Health health) {
    }

    /** Adds what the store counts (its pools) to the service's metrics. */
    default void addMetrics(Metrics metrics) {
    }

    @Override
    default void close() {
    }
}
