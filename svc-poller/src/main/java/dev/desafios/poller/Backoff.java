package dev.desafios.poller;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The poller's pace: the interval while calls succeed; after failures, exponential backoff
 * (interval x 2^failures, capped) with jitter in the upper half, so that many pollers do not
 * retry in step. One success returns to the interval.
 */
final class Backoff {
    private final long intervalMs;
    private final long maxMs;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration interval, Duration max, RandomGenerator random) {
        this.intervalMs = interval.toMillis();
        this.maxMs = Math.max(max.toMillis(), intervalMs);
        this.random = random;
    }

    /** The delay before the next call after a success. */
    Duration afterSuccess() {
        failures = 0;
        return Duration.ofMillis(intervalMs);
    }

    /** The delay before the next call after a failure: in [ceiling/2, ceiling], ceiling at most the cap. */
    Duration afterFailure() {
        failures = Math.min(failures + 1, 30);
        int shift = Math.min(failures, 20);
        // Compared before shifting: a long interval shifted left would overflow into a negative delay.
        long ceiling = intervalMs > (maxMs >> shift) ? maxMs : intervalMs << shift;
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }

    /** Failures since the last success. */
    int failures() {
        return failures;
    }
}
