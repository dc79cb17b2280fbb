package dev.desafios.common;

import com.sun.net.httpserver.HttpExchange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the bytes that requests in flight hold at once: the request bodies being read and the
 * answers waiting for a client to read them. Each is small, but nothing else bounds how many
 * connections hold one: thousands of clients that send most of a body and then wait, or that
 * never read their answer, would fill the heap. An exchange reserves its bytes before it holds
 * them and gives them back when it ends; one that cannot reserve them within a short wait gets a
 * 503, so under such an attack the service sheds requests instead of going down.
 */
final class MemoryBudget {
    /** What the exchanges may hold together: a quarter of the heap. */
    static final MemoryBudget SHARED = new MemoryBudget(Runtime.getRuntime().maxMemory() / 4);
    /**
     * What a body costs while it is handled, per byte read: the bytes, the decoded text and the
     * parsed JSON.
     */
    static final int BODY_COST = 3;
    private static final long WAIT_MILLIS = 250;
    /**
     * What each exchange holds, in KiB. Not the exchange's attributes: the JDK keeps those per
     * context, so every exchange would share one.
     */
    private final Map<HttpExchange, Integer> reserved = new ConcurrentHashMap<>();

    private final Semaphore kibibytes;
    private final int total;

    MemoryBudget(long bytes) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kibibytes = new Semaphore(total, true);
    }

    /**
     * Reserves {@code bytes} for the exchange until {@link #release}; a 503 problem (which closes
     * the connection) when they cannot be had within a short wait.
     */
    void reserve(HttpExchange exchange, long bytes) {
        int units = (int) Math.min(total, (bytes + 1023) / 1024);
        try {
            if (units > 0 && !kibibytes.tryAcquire(units, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        reserved.merge(exchange, units, Integer::sum);
    }

    /** Makes what the exchange holds at least {@code bytes}, reserving only the difference. */
    void reserveAtLeast(HttpExchange exchange, long bytes) {
        long held = reserved.getOrDefault(exchange, 0) * 1024L;
        if (bytes > held) {
            reserve(exchange, bytes - held);
        }
    }

    /**
     * Gives back what the exchange holds beyond {@code bytes}: an answer reserves the worst case
     * while it is built, and only its own size while a client reads it.
     */
    void keepOnly(HttpExchange exchange, long bytes) {
        int keep = (int) Math.min(total, (bytes + 1023) / 1024);
        reserved.computeIfPresent(exchange, (e, held) -> {
            if (held <= keep) {
                return held;
            }
            kibibytes.release(held - keep);
            return keep;
        });
    }

    /** Gives back what the exchange reserved; once. */
    void release(HttpExchange exchange) {
        Integer units = reserved.remove(exchange);
        if (units != null) {
            kibibytes.release(units);
        }
    }

    /** Kibibytes free now (for tests). */
    int available() {
        return kibibytes.availablePermits();
    }

    private static Problem busy() {
        return Problem.unavailableClosing("the service is holding as many requests and answers in memory as it may; retry shortly");
    }
}
