package dev.desafios.orders;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.Drainable;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Problem;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Looks users up in the users service, each call bounded by one deadline ({@code USERS_TIMEOUT},
 * connect to the last byte of the body) and a body limit. Unreachable, too slow or a body that
 * never ends is 502, 503 or 504, and so is an answer other than the user or a 404: users' own 503
 * or 504 as it is, anything else 502 (both from {@link HttpCalls}, as in the gateway). Problems
 * say "users", never the host and port called.
 */
final class UsersClient implements Drainable {
    /*
     * On one Docker network a connection is made in well under a millisecond; a stopped
     * container's address (still in the DNS cache for a few seconds) never answers, so a
     * short connect timeout is what makes "users is down" a fast 504 rather than a wait.
     */
    private static final Duration MAX_CONNECT = Duration.ofMillis(400);
    /** A user is a few hundred bytes: a larger answer is not one, and is not read into memory. */
    private static final long MAX_USER_BYTES = 64 * 1024;

    private final HttpCalls calls;
    private final String base;

    /** Calls under {@code base} (such as {@code http://users:8080}) that finish, body read, within {@code timeout}. */
    UsersClient(URI base, Duration timeout) {
        this.calls = new HttpCalls("users", timeout.compareTo(MAX_CONNECT) < 0 ? timeout : MAX_CONNECT, timeout,
                MAX_USER_BYTES);
        this.base = base.toString().replaceAll("/+$", "");
    }

    /** The user as the users service answers it, or empty when it answers 404. */
    Optional<JsonObject> find(long id, String requestId) {
        HttpResponse<byte[]> response = calls.get(URI.create(base + "/users/" + id), requestId);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonValue user = HttpCalls.json(response, "users", "user " + id);
        JsonValue userId = user.isObject() ? user.asObject().get("id") : null;
        if (userId != null && userId.isNumber() && userId.toString().equals(Long.toString(id))) {
            return Optional.of(user.asObject());
        }
        throw Problem.badGateway("users answered something that is not user " + id);
    }

    /** Calls in flight or to come end with the drain: the order's answer still goes out. */
    @Override
    public void draining(long endNanos) {
        calls.draining(endNanos);
    }

    /** Cancels the calls still in flight: a stop waits for none of them past the drain. */
    @Override
    public void close() {
        calls.close();
    }
}
