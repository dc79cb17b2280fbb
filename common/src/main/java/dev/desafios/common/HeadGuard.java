package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the memory of request heads still being read. The JDK's parser reads each head on the
 * exchange's own thread before any handler runs, holding up to about four times
 * {@code sun.net.httpserver.maxReqHeaderSize} per connection, and nothing in the JDK bounds how
 * many connections do so at once: thousands of clients each sending most of a big head and then
 * waiting would fill the heap. So:
 *
 * <ul>
 *   <li>at most {@link #SLOTS} exchanges read their head at once (sized from the heap); the others
 *       wait for a slot, holding no buffer yet;</li>
 *   <li>when every slot is taken and others wait, heads still being read after
 *       {@link #SLOW_MILLIS} are cut: their thread is interrupted, which closes the connection.</li>
 * </ul>
 *
 * A head that arrives at once is read in well under a millisecond and never waits long for a
 * slot; under attack, the slowest clients see a closed connection rather than the honest ones
 * waiting behind them. (The heap in use is no
 * trigger: with the serial collector it counts garbage, and crossed half the heap under plain load.)
 */
final class HeadGuard {
    /**
     * A head still being read after this long, while every slot is taken, is cut: short, because
     * the clients waiting for a slot wait for the slow ones, generation after generation.
     */
    static final long SLOW_MILLIS = 100;
    /** What one head can make the parser hold at most, about four bytes a byte of the JDK's cap. */
    private static final long HEAD_BYTES = 4L * Limits.DEFAULTS.jdkHeadSizeCap();
    /** Heads read at once: those of a quarter of the heap, within [64, 1024]. */
    static final int SLOTS = (int) Math.max(64, Math.min(1024, Runtime.getRuntime().maxMemory() / 4 / HEAD_BYTES));
    private static final long TICK_MILLIS = 20;

    private static final Semaphore FREE = new Semaphore(SLOTS, true);
    /** The exchanges whose head is still being read, by thread. */
    private static final Map<Thread, Reading> READING = new ConcurrentHashMap<>();

    /**
     * One head being read since then; {@code taken} is set once, by the router or by a cut,
     * whichever comes first; {@code slot} is given back once, when the head is read or the exchange ends.
     */
    private record Reading(long since, AtomicBoolean taken, AtomicBoolean slot) {
        void release() {
            if (slot.compareAndSet(true, false)) {
                FREE.release();
            }
        }
    }

    static {
        Thread.ofPlatform().daemon().name("head-guard").start(HeadGuard::watch);
    }

    private HeadGuard() {
    }

    /** The executor the server runs its exchanges on, each holding a slot until its head is read. */
    static Executor guard(Executor executor) {
        return task -> executor.execute(() -> {
            Thread self = Thread.currentThread();
            FREE.acquireUninterruptibly();
            var reading = new Reading(System.nanoTime(), new AtomicBoolean(), new AtomicBoolean(true));
            READING.put(self, reading);
            try {
                task.run();
            } finally {
                READING.remove(self);
                reading.release();
            }
        });
    }

    /**
     * Called by the router first thing: the head is read. False when the exchange was cut meanwhile
     * (its connection is closing; there is nobody to answer).
     */
    static boolean headRead() {
        Reading reading = READING.remove(Thread.currentThread());
        if (reading == null) {
            return true;
        }
        reading.release();
        return reading.taken.compareAndSet(false, true);
    }

    /**
     * Cuts the exchanges that have been reading their head for longer than the given time, and are
     * waiting for its bytes; how many. One whose thread can run has its bytes and waits only for
     * the CPU: 300 keep-alive clients on one CPU took longer than the bound and were cut, though
     * none was slow.
     */
    static int cutSlowHeads(long slowMillis) {
        long now = System.nanoTime();
        int cut = 0;
        for (var entry : READING.entrySet()) {
            if (now - entry.getValue().since > TimeUnit.MILLISECONDS.toNanos(slowMillis)
                    && waitingForBytes(entry.getKey())
                    && entry.getValue().taken.compareAndSet(false, true)) {
                entry.getKey().interrupt();
                cut++;
            }
        }
        return cut;
    }

    /** A thread reading a head blocks only on its socket: parked, it waits for the client's bytes. */
    private static boolean waitingForBytes(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
                if (FREE.availablePermits() == 0 && FREE.hasQueuedThreads()) {
                    int cut = cutSlowHeads(SLOW_MILLIS);
                    if (cut > 0) {
                        Log.warn("cut slow request heads", new JsonObject().add("cut", cut)
                                .add("why", "all head slots taken"));
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
