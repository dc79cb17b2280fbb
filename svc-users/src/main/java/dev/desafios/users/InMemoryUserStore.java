package dev.desafios.users;

import dev.desafios.common.AppendOnlyList;
import dev.desafios.common.Problem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Users in memory (challenge 4, and any run without {@code DB_URL}), at most {@code max} of them,
 * in id order. Nothing is ever removed and an id is used only by a stored user, so user {@code n}
 * sits at index {@code n - 1}: finding one and reading a page cost what they return, not the size
 * of the store. An insert takes a lock so that the e-mail check, the capacity check and the id are
 * one step (no duplicate and no user past the maximum slips in between); reads take no lock. A
 * lock, not {@code synchronized}, lets virtual threads unmount.
 */
final class InMemoryUserStore implements UserStore {

    private final AppendOnlyList<User> byId = new AppendOnlyList<>(64);
    private final Set<String> emails = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final int max;

    private InMemoryUserStore(int max) {
        this.max = max;
    }

    /** A store of at most {@code max} users (at least {@link #SEEDS}) holding the seed users, ids 1 to 3. */
    static InMemoryUserStore seeded(int max) {
        if (max < SEEDS) {
            throw new IllegalArgumentException("the store must hold at least the " + SEEDS + " seed users");
        }
        var store = new InMemoryUserStore(max);
        SEED_USERS.forEach(store::add);
        return store;
    }

    /** Stores a new user; 409 when the e-mail address (compared without case) is taken, 507 when full. */
    @Override
    public User add(User.New user) {
        String key = user.email().toLowerCase(Locale.ROOT);
        lock.lock();
        try {
            if (emails.contains(key)) {
                throw Problem.conflict("a user with email " + Problem.quote(user.email()) + " already exists");
            }
            if (byId.size() >= max) {
                throw full();
            }
            var stored = new User(byId.size() + 1L, user.name(), user.email(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            emails.add(key);
            byId.add(stored);
            return stored;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<User> find(long id) {
        return Optional.ofNullable(byId.get(id - 1));
    }

    /** One page of users, lowest id first. */
    @Override
    public List<User> page(int limit, int offset) {
        return byId.slice(offset, limit);
    }

    /** How many users are stored. */
    int size() {
        return byId.size();
    }

    private Problem full() {
        return Problem.insufficientStorage("the users store is full: it holds its maximum of " + max
                + " users (MAX_USERS); no more can be added");
    }
}
