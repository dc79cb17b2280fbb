package dev.desafios.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofMillis(1000);

    /** Always draws the smallest value allowed: the delay is half the ceiling. */
    static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    /** Always draws the largest value allowed: the delay is the ceiling itself. */
    static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void afterSuccess_always_interval() {
        var backoff = new Backoff(INTERVAL, CAP, HIGHEST);

        assertEquals(INTERVAL, backoff.afterSuccess());
        assertEquals(INTERVAL, backoff.afterSuccess());
        assertEquals(0, backoff.failures());
    }

    @Test
    void afterFailure_highestJitter_ceilingDoublesUpToCap() {
        var backoff = new Backoff(INTERVAL, CAP, HIGHEST);

        assertEquals(millis(200, 400, 800, 1000, 1000, 1000), delays(backoff, 6));
        assertEquals(6, backoff.failures());
    }

    @Test
    void afterFailure_lowestJitter_halfTheCeiling() {
        var backoff = new Backoff(INTERVAL, CAP, LOWEST);

        assertEquals(millis(100, 200, 400, 500, 500), delays(backoff, 5));
    }

    @Test
    void afterFailure_seededRandom_withinHalfCeilingAndCeilingNeverAboveCap() {
        var random = new Random(20260101L);
        for (int run = 0; run < 200; run++) {
            var backoff = new Backoff(INTERVAL, CAP, random);
            for (int failure = 1; failure <= 12; failure++) {
                long ceiling = Math.min(CAP.toMillis(), INTERVAL.toMillis() << failure);
                long delay = backoff.afterFailure().toMillis();
                assertTrue(delay >= ceiling / 2 && delay <= ceiling,
                        "failure " + failure + ": " + delay + " outside [" + ceiling / 2 + ", " + ceiling + "]");
            }
        }
    }

    @Test
    void afterFailure_seededRandom_jitterActuallyVaries() {
        var random = new Random(7L);
        var seen = new java.util.HashSet<Duration>();
        for (int i = 0; i < 20; i++) {
            seen.add(new Backoff(INTERVAL, CAP, random).afterFailure());
        }

        assertTrue(seen.size() > 1, "jitter spreads retries: " + seen);
    }

    @Test
    void afterSuccess_afterFailures_resetsToIntervalAndDoublingStartsOver() {
        var backoff = new Backoff(INTERVAL, CAP, HIGHEST);
        delays(backoff, 4);

        assertEquals(INTERVAL, backoff.afterSuccess());
        assertEquals(0, backoff.failures());
        assertEquals(Duration.ofMillis(200), backoff.afterFailure());
    }

    @Test
    void afterFailure_manyFailures_staysAtCap() {
        var backoff = new Backoff(INTERVAL, CAP, HIGHEST);
        delays(backoff, 100);

        assertEquals(CAP, backoff.afterFailure());
    }

    @Test
    void afterFailure_capBelowInterval_neverBelowHalfIntervalNorAboveIt() {
        var backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), HIGHEST);

        assertEquals(Duration.ofSeconds(2), backoff.afterFailure());
        assertEquals(Duration.ofSeconds(1), new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), LOWEST).afterFailure());
    }

    @Test
    void afterFailure_longestIntervalConfigAccepts_staysAtCapWithoutOverflow() {
        // POLL_INTERVAL accepts up to 999999999m: the doubling must not overflow a long.
        Duration interval = Duration.ofMinutes(999_999_999);
        var backoff = new Backoff(interval, interval, HIGHEST);

        for (int failure = 1; failure <= 40; failure++) {
            assertEquals(interval, backoff.afterFailure(), "failure " + failure);
        }
    }

    private static java.util.List<Duration> delays(Backoff backoff, int failures) {
        var delays = new java.util.ArrayList<Duration>();
        for (int i = 0; i < failures; i++) {
            delays.add(backoff.afterFailure());
        }
        return delays;
    }

    private static java.util.List<Duration> millis(long... values) {
        return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }
}
