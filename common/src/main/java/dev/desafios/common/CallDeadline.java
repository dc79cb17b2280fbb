package dev.desafios.common;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * The deadlines of one client's calls. When its service stops, {@link #endAllBy} brings every
     * one, open or to come, to the end of the drain: a call that would outlast it ends in time for
     * its caller to answer.
     */
    static final class Group {
        private final Set<CallDeadline> open = ConcurrentHashMap.newKeySet();
        private volatile boolean ending;
        private volatile long endOfCalls;

        /** Interrupts the current thread at {@code deadlineNanos} ({@link System#nanoTime()}) unless closed before. */
        CallDeadline start(long deadlineNanos) {
            var deadline = new CallDeadline(this);
            // Listed before the end is read: endAllBy either sees this deadline or is seen by it.
            open.add(deadline);
            deadline.schedule(ending && endOfCalls - deadlineNanos < 0 ? endOfCalls : deadlineNanos);
            return deadline;
        }

        /** From now on no call's deadline is later than {@code endNanos}, the open ones' included. */
        void endAllBy(long endNanos) {
            endOfCalls = endNanos;
            ending = true;
            for (CallDeadline deadline : open) {
                TIMER.schedule(deadline::fire, Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
    }

    private final Group group;
    private final Thread caller = Thread.currentThread();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private ScheduledFuture<?> timeout;

    private CallDeadline(Group group) {
        this.group = group;
    }

    private void schedule(long deadlineNanos) {
        timeout = TIMER.schedule(this::fire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Whether the deadline came (and interrupted the call). */
    boolean expired() {
        return state.get() >= FIRING;
    }

    /** Ends the deadline; when it fired, waits for its interrupt and clears it. */
    @Override
    public void close() {
        group.open.remove(this);
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
