package dev.desafios.common;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deadline for a blocking call made by the current thread: at the deadline the thread is
 * interrupted, which is how the JDK client's blocking {@code send} is cancelled. Once the call
 * is over, {@link #close} makes sure no interrupt of the deadline's reaches anything after it.
 */
final class CallDeadline implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    private final Thread caller = Thread.currentThread();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final ScheduledFuture<?> timeout;

    /** Interrupts the current thread at {@code deadlineNanos} ({@link System#nanoTime()}) unless closed before. */
    CallDeadline(long deadlineNanos) {
        timeout = TIMER.schedule(this::fire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Whether the deadline came (and interrupted the call). */
    boolean expired() {
        return state.get() >= FIRING;
    }

    /** Ends the deadline; when it fired, waits for its interrupt and clears it. */
    @Override
    public void close() {
        if (state.compareAndSet(RUNNING, ENDED)) {
            timeout.cancel(false);
            return;
        }
        while (state.get() != FIRED) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
    }

    private void fire() {
        if (state.compareAndSet(RUNNING, FIRING)) {
            caller.interrupt();
            state.set(FIRED);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        var timer = new ScheduledThreadPoolExecutor(1, task -> Thread.ofPlatform().daemon().name("call-deadlines").unstarted(task));
        // Deadlines are cancelled far more often than they fire: cancelled ones leave the queue at once.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
