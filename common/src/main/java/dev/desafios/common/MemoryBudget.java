package dev.desafios.common;

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
    private final Semaphore kibibytes;
    private final int total;

    MemoryBudget(long bytes) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kibibytes = new Semaphore(total, true);
    }

    /** A reservation for one exchange, holding nothing yet. */
    Reservation reservation() {
        return new Reservation();
    }

    /**
     * What one exchange holds, in KiB, from its first reservation to {@link #release}. It lives
     * with the request's own state (the JDK keeps exchange attributes per context, so every
     * exchange would share one) and is used by the thread that answers the request.
     */
    final class Reservation {
        private int kib;

        /**
         * Reserves {@code bytes} more until {@link #release}; a 503 problem (which closes the
         * connection) when they cannot be had within a short wait.
         */
        void reserve(long bytes) {
            int units = (int) Math.min(total, (bytes + 1023) / 1024);
            try {
                if (units > 0 && !kibibytes.tryAcquire(units, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw busy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy();
            }
            kib += units;
        }

        /** Makes what is held at least {@code bytes}, reserving only the difference. */
        void reserveAtLeast(long bytes) {
            long held = kib * 1024L;
            if (bytes > held) {
                reserve(bytes - held);
            }
        }

        /**
         * Gives back what is held beyond {@code bytes}: an answer reserves the worst case while
         * it is built, and only its own size while a client reads it.
         */
        void keepOnly(long bytes) {
            int keep = (int) Math.min(total, (bytes + 1023) / 1024);
            if (kib > keep) {
                kibibytes.release(kib - keep);
                kib = keep;
            }
        }

        /** Gives back everything held; once. */
        void release() {
            if (kib > 0) {
                kibibytes.release(kib);
                kib = 0;
            }
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
