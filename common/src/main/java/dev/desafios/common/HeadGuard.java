package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the memory of request heads still being read. The JDK's parser reads each head on the
 * exchange's own thread before any handler runs, holding up to a few times
 * {@code sun.net.httpserver.maxReqHeaderSize} per connection, and nothing bounds the number of
 * connections doing so: thousands of clients each sending most of a big head and then waiting
 * would fill the heap. So every exchange is tracked from its start until the router sees it, and
 * while the heap is over {@link #PRESSURE} of its maximum, the exchanges that have been reading
 * their head for longer than {@link #SLOW_MILLIS} are cut: their thread is interrupted, which
 * closes the connection, and what it held becomes garbage. Heads that arrive at once are never
 * affected; under pressure, the slowest clients go first.
 */
final class HeadGuard {
    /** The share of the maximum heap above which slow heads are cut. */
    static final double PRESSURE = 0.6;
    /** A head still being read after this long is slow. */
    static final long SLOW_MILLIS = 200;
    private static final long TICK_MILLIS = 50;

    /** The exchanges whose head is still being read, by thread. */
    private static final Map<Thread, Reading> READING = new ConcurrentHashMap<>();

    /** One head being read since then; {@code taken} is set once, by the router or by a cut, whichever comes first. */
    private record Reading(long since, AtomicBoolean taken) {
    }

    static {
        Thread.ofPlatform().daemon().name("head-guard").start(HeadGuard::watch);
    }

    private HeadGuard() {
    }

    /** The executor the server runs its exchanges on, each tracked until its head is read. */
    static Executor guard(Executor executor) {
        return task -> executor.execute(() -> {
            Thread self = Thread.currentThread();
            READING.put(self, new Reading(System.nanoTime(), new AtomicBoolean()));
            try {
                task.run();
            } finally {
                READING.remove(self);
            }
        });
    }

    /**
     * Called by the router first thing: the head is read. False when the exchange was cut meanwhile
     * (its connection is closing; there is nobody to answer).
     */
    static boolean headRead() {
        Reading reading = READING.remove(Thread.currentThread());
        return reading == null || reading.taken.compareAndSet(false, true);
    }

    /** Cuts the exchanges that have been reading their head for longer than the given time; how many. */
    static int cutSlowHeads(long slowMillis) {
        long now = System.nanoTime();
        int cut = 0;
        for (var entry : READING.entrySet()) {
            if (now - entry.getValue().since > TimeUnit.MILLISECONDS.toNanos(slowMillis)
                    && entry.getValue().taken.compareAndSet(false, true)) {
                entry.getKey().interrupt();
                cut++;
            }
        }
        return cut;
    }

    /** True when the heap in use (garbage included) is over the pressure mark. */
    static boolean underPressure() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory() > PRESSURE * runtime.maxMemory();
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
                if (underPressure()) {
                    int cut = cutSlowHeads(SLOW_MILLIS);
                    if (cut > 0) {
                        Runtime runtime = Runtime.getRuntime();
                        Log.warn("memory pressure: cut slow request heads", new JsonObject().add("cut", cut)
                                .add("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory())
                                .add("heapMaxBytes", runtime.maxMemory()));
                    }
                }
            } catch (InterruptedException e) {
                // Never interrupted on purpose; it goes on.
            } catch (RuntimeException e) {
                Log.error("the head guard failed once", e);
            }
        }
    }
}
