package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.time.Duration;

/**
 * A service's wait at start for the stores it needs ({@code STORES_WAIT}): a try every second
 * until they answer or the wait is over. A refused login ends the wait at once, since waiting
 * cannot fix a wrong password.
 */
public final class StartupWait {
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private final Duration wait;
    private final String waitingFor;
    private final long deadline;
    private int attempt = 1;

    /** A wait of {@code wait} from now for {@code waitingFor} ("postgres", "the stores"). */
    public StartupWait(Duration wait, String waitingFor) {
        this.wait = wait;
        this.waitingFor = waitingFor;
        this.deadline = System.nanoTime() + wait.toNanos();
    }

    /**
     * After a try that {@code store} failed: stops the start (an {@link IllegalStateException})
     * when it refused the login, naming the {@code credentials} to check, or when no try is left
     * in the wait; else logs the failure and returns when the next try is due.
     */
    public void failed(String store, String credentials, boolean loginRefused, Exception failure) {
        if (loginRefused) {
            throw new IllegalStateException(store + " refused the login: check " + credentials + " ("
                    + DatabasePools.describe(failure) + ")", failure);
        }
        if (System.nanoTime() + RETRY_EVERY.toNanos() > deadline) {
            throw new IllegalStateException(store + " is still unavailable after " + attempt
                    + " tries (STORES_WAIT=" + wait.toMillis() + "ms): " + DatabasePools.describe(failure), failure);
        }
        Log.warn("waiting for " + store, new JsonObject()
                .add("attempt", attempt).add("error", DatabasePools.describe(failure)));
        try {
            Thread.sleep(RETRY_EVERY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
        }
        attempt++;
    }
}
