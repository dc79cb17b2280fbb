package dev.desafios.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Config;
import dev.desafios.common.Problem;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket per client address, on a clock the test moves. */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double perSecond, long burst) {
        return new RateLimiter(perSecond, burst, now::get);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void tryTake_burstThenRefusedWithTheWaitForOneToken() {
        RateLimiter limiter = limiter(10, 3);

        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.tryTake("192.0.2.1"), "request " + (i + 1) + " of the burst");
        }
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), limiter.tryTake("192.0.2.1"));
    }

    @Test
    void tryTake_refilledFromTheClock_neverAboveTheBurst() {
        RateLimiter limiter = limiter(10, 3);
        for (int i = 0; i < 3; i++) {
            limiter.tryTake("192.0.2.1");
        }

        advanceMillis(100);
        assertEquals(0, limiter.tryTake("192.0.2.1"), "one token after 100 ms");
        assertTrue(limiter.tryTake("192.0.2.1") > 0, "and only one");

        advanceMillis(60_000);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.tryTake("192.0.2.1"));
        }
        assertTrue(limiter.tryTake("192.0.2.1") > 0, "a minute idle gives the burst back, no more");
    }

    @Test
    void tryTake_eachAddressItsOwnBucket() {
        RateLimiter limiter = limiter(1, 1);

        assertEquals(0, limiter.tryTake("192.0.2.1"));
        assertTrue(limiter.tryTake("192.0.2.1") > 0);
        assertEquals(0, limiter.tryTake("192.0.2.2"), "another client is not held back by the first");
    }

    @Test
    void admit_overTheLimit_429WithRetryAfterInWholeSeconds() {
        RateLimiter limiter = limiter(0.5, 1);
        limiter.admit("192.0.2.1");

        Problem refused = assertThrows(Problem.class, () -> limiter.admit("192.0.2.1"));

        assertEquals(429, refused.status());
        assertEquals("2", refused.headers().values().get("Retry-After"));
    }

    @Test
    void manyAddresses_idleBucketsDropped_tableBounded() {
        RateLimiter limiter = limiter(100, 200);
        for (int i = 0; i < 20_000; i++) {
            limiter.tryTake(address(i));
        }
        assertEquals(20_000, limiter.clients());

        advanceMillis(2_000);
        limiter.tryTake("198.51.100.1");

        assertEquals(1, limiter.clients(), "buckets full again are the same as none");
    }

    @Test
    void tableFullOfBusyAddresses_newOnesShareOneBucket() {
        RateLimiter limiter = limiter(1, 1);
        for (int i = 0; i < RateLimiter.MAX_CLIENTS; i++) {
            limiter.tryTake(address(i));
        }

        assertEquals(0, limiter.tryTake("198.51.100.1"));
        assertTrue(limiter.tryTake("198.51.100.2") > 0, "past the table's size, new addresses share a bucket");
        assertEquals(RateLimiter.MAX_CLIENTS + 1, limiter.clients());
    }

    @Test
    void from_defaultsOn_zeroTurnsItOff() {
        assertTrue(RateLimiter.from(new Config(Map.of())).isOn());
        RateLimiter off = RateLimiter.from(new Config(Map.of("RATE_LIMIT", "0")));

        assertEquals(false, off.isOn());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, off.tryTake("192.0.2.1"));
        }
        assertEquals(0, off.clients());
    }

    @Test
    void from_badValue_namesTheVariable() {
        var e = assertThrows(Config.ConfigException.class,
                () -> RateLimiter.from(new Config(Map.of("RATE_BURST", "lots"))));

        assertTrue(e.getMessage().contains("RATE_BURST"), e.getMessage());
    }

    private static String address(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }
}
