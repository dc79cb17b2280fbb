package dev.desafios.users;

import dev.desafios.common.Problem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Users in memory, in id order. Reads go to a concurrent sorted map without locking; an insert
 * takes a lock so that the e-mail check and the id are one step (no duplicate slips in between,
 * no id is used up by a refused insert). A lock, not {@code synchronized}, lets virtual threads unmount.
 */
final class UserStore {
    private final ConcurrentSkipListMap<Long, User> byId = new ConcurrentSkipListMap<>();
    private final Map<String, Long> idByEmail = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long lastId;

    /** A store holding the three seed users, ids 1 to 3. */
    static UserStore seeded() {
        var store = new UserStore();
        store.add(new User.New("Ada Lovelace", "ada@example.org"));
        store.add(new User.New("Alan Turing", "alan@example.org"));
        store.add(new User.New("Grace Hopper", "grace@example.org"));
        return store;
    }

    /** Stores a new user; 409 when the e-mail address (compared without case) is taken. */
    User add(User.New user) {
        String key = user.email().toLowerCase(Locale.ROOT);
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        lock.lock();
        try {
            if (idByEmail.containsKey(key)) {
                throw Problem.conflict("a user with email " + Problem.quote(user.email()) + " already exists");
            }
            var stored = new User(++lastId, user.name(), user.email(), createdAt);
            idByEmail.put(key, stored.id());
            byId.put(stored.id(), stored);
            return stored;
        } finally {
            lock.unlock();
        }
    }

    Optional<User> find(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** One page of users, lowest id first. */
    List<User> page(int limit, int offset) {
        return byId.values().stream().skip(offset).limit(limit).toList();
    }
}
