package dev.desafios.gateway;

import dev.desafios.common.Config;
import dev.desafios.common.Problem;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code RATE_LIMIT} requests a second per client address, with bursts of up to
 * {@code RATE_BURST}: a token bucket per address, refilled from the clock. A bucket left idle
 * long enough to be full again is the same as none, so such buckets are dropped when the table
 * grows; when it is full of busy ones, new addresses share one bucket, and memory stays bounded
 * whatever the number of addresses. {@code RATE_LIMIT=0} turns it off.
 */
final class RateLimiter {
    /** Addresses with a bucket of their own; past it, new ones share {@link #OVERFLOW}. */
    static final int MAX_CLIENTS = 50_000;
    /** The table is swept of full buckets when it reaches this size, at most once a second. */
    private static final int SWEEP_AT = 5_000;
    private static final String OVERFLOW = "";
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One client's tokens, as of a time (System.nanoTime); guarded by its own lock. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final double perNano;
    private final double burst;
    private final long refillNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long sweptAt;

    /** {@code perSecond} requests a second, bursts of {@code burst}; 0 for no limit. */
    RateLimiter(double perSecond, long burst, LongSupplier clock) {
        this.perNano = perSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.refillNanos = perSecond > 0 ? (long) Math.ceil(burst / perNano) : 0;
        this.clock = clock;
        this.sweptAt = clock.getAsLong() - SWEEP_EVERY_NANOS;
    }

    /** From {@code RATE_LIMIT} (default 1000 a second) and {@code RATE_BURST} (default twice the limit). */
    static RateLimiter from(Config config) {
        long perSecond = config.whole("RATE_LIMIT", 1000, 0, 1_000_000);
        long burst = config.whole("RATE_BURST", Math.max(1, 2 * perSecond), 1, 10_000_000);
        return new RateLimiter(perSecond, burst, System::nanoTime);
    }

    boolean isOn() {
        return perNano > 0;
    }

    /** Takes a token for {@code client}; a 429 problem with Retry-After when it has none. */
    void admit(String client) {
        long wait = tryTake(client);
        if (wait > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + TimeUnit.SECONDS.toNanos(1) - 1));
            throw Problem.tooManyRequests("more than " + rate() + " requests a second from this address;"
                    + " try again in " + seconds + " s", seconds);
        }
    }

    /** 0 when a token was taken, else the nanoseconds until one is there. */
    long tryTake(String client) {
        if (!isOn()) {
            return 0;
        }
        long now = clock.getAsLong();
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            bucket = newBucket(client, now);
        }
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perNano);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / perNano);
        }
    }

    /** How many addresses have a bucket now. */
    int clients() {
        return buckets.size();
    }

    private Bucket newBucket(String client, long now) {
        if (buckets.size() >= SWEEP_AT && now - sweptAt >= SWEEP_EVERY_NANOS) {
            sweptAt = now;
            buckets.values().removeIf(bucket -> isFull(bucket, now));
        }
        String key = buckets.size() < MAX_CLIENTS ? client : OVERFLOW;
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    }

    private boolean isFull(Bucket bucket, long now) {
        synchronized (bucket) {
            return now - bucket.at >= refillNanos;
        }
    }

    private String rate() {
        double perSecond = perNano * TimeUnit.SECONDS.toNanos(1);
        return perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
    }
}
