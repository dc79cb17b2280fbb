package dev.desafios.api;

import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Group commit: items submitted at the same time are written together, in batches, by a few
 * writer threads (platform threads), while each submitter waits for the outcome of its own item. Under load many
 * requests then share one transaction (one WAL flush, one round trip per statement) instead of
 * paying for one each; alone, an item is written at once in a batch of one. An item no writer
 * has taken within the queue wait (the writers are stuck on a store that does not answer) is
 * given up, and never written: its submitter gets a 503 instead of waiting its turn behind them.
 * A writer takes no batch while its gate says the store is not ready (an earlier outcome still
 * to be settled): what is submitted meanwhile is given up the same way.
 *
 * <p>Submitters wait without a timeout of their own: one deadline thread looks at what waits
 * every {@link #TICK} and answers the late ones (503). A timed wait on a virtual thread is a
 * timer set and cancelled by the scheduler per request: under load that timer thread took a
 * share of the API's CPU (docs/benchmarks.md).
 *
 * @param <T> what is written
 * @param <R> what its writer answers
 */
final class GroupCommit<T, R> implements AutoCloseable {

    /**
     * How long a submitter waits for its outcome in all: stores that stall one after the other
     * (each within its own timeout) must not keep a client waiting for the sum of them. A little
     * over one store timeout (5 s), so that a single stalled store is still named in the answer.
     */
    static final Duration ANSWER_WITHIN = Duration.ofMillis(5500);

    /**
     * One submitted item, when it was submitted, the outcome its submitter waits for, and whether
     * a writer or the giving up has it.
     */
    private record Pending<T, R>(T item, long submitted, CompletableFuture<R> outcome, AtomicBoolean taken) {
        /** True for the first caller only: a writer, to write it, or the giving up (a deadline, a stop). */
        boolean take() {
            return taken.compareAndSet(false, true);
        }
    }

    private static final Duration POLL = Duration.ofMillis(100);
    /** How often the deadline thread looks: a late answer is at most this much later. */
    static final Duration TICK = Duration.ofMillis(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    /** The batch each writer is writing (empty between batches), for the deadline thread. */
    private final List<AtomicReference<List<Pending<T, R>>>> writing = new ArrayList<>();
    private final Thread deadlines;
    private final int maxBatch;
    private final Duration queueWait;
    private final String stalled;
    private final Function<List<T>, List<R>> writer;
    private final BooleanSupplier ready;
    private volatile boolean closed;

    /**
     * Starts {@code writerCount} writers, each taking up to {@code maxBatch} items at a time; the
     * writer function answers for every item of a batch, in order, or throws for the whole batch.
     * An item not taken within {@code queueWait} fails with a 503 whose detail is {@code stalled}.
     */
    GroupCommit(String name, int writerCount, int maxBatch, Duration queueWait, String stalled,
                Function<List<T>, List<R>> writer) {
        this(name, writerCount, maxBatch, queueWait, stalled, writer, () -> true);
    }

    /**
     * The same, with a gate that a writer asks before each batch (on its own thread, so the gate
     * may do store work); while it answers false the writer takes nothing and asks again a
     * moment later.
     */
    private volatile IntConsumer batchSizes = size -> { };

    GroupCommit(String name, int writerCount, int maxBatch, Duration queueWait, String stalled,
                Function<List<T>, List<R>> writer, BooleanSupplier ready) {
        this.ready = ready;
        this.maxBatch = maxBatch;
        this.queueWait = queueWait;
        this.stalled = stalled;
        this.writer = writer;
        // Platform threads: a virtual writer would wait for a carrier, behind the requests' threads,
        // each time a store answers it, and a batch would take longer (docs/benchmarks.md).
        var threads = Thread.ofPlatform().daemon().name(name + "-", 1);
        for (int i = 0; i < writerCount; i++) {
            var current = new AtomicReference<List<Pending<T, R>>>(List.of());
            writing.add(current);
            writers.add(threads.start(() -> writeUntilClosed(current)));
        }
        deadlines = Thread.ofPlatform().daemon().name(name + "-deadlines").start(this::answerLateOnes);
    }

    /** Submits the item and waits for its outcome; a failure is rethrown as the writer raised it. */
    R submit(T item) {
        var pending = new Pending<T, R>(item, System.nanoTime(), new CompletableFuture<>(), new AtomicBoolean());
        queue.add(pending);
        if (closed && pending.take()) {
            pending.outcome.completeExceptionally(stopping());
        }
        try {
            // The writer's outcome, or the deadline thread's 503 (answerLateOnes).
            return pending.outcome.get();
        } catch (InterruptedException e) {
            // Only a stop interrupts a request: its item is not written if no writer has it yet;
            // if one has, its batch may still be written, and is then counted.
            Thread.currentThread().interrupt();
            pending.take();
            throw stopping();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new CompletionException(e.getCause());
        }
    }

    /**
     * The deadlines, every {@link #TICK}: an item no writer has taken within the queue wait is
     * given up (never written) with a 503; an item whose batch is not done {@link #ANSWER_WITHIN}
     * after it was submitted gets its 503 (its batch may still be written, and is then counted:
     * a 503 never says it was not).
     */
    private void answerLateOnes() {
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            for (Pending<T, R> waiting : queue) {
                if (now - waiting.submitted >= queueWait.toNanos() && waiting.take()) {
                    waiting.outcome.completeExceptionally(Problem.unavailable(stalled));
                }
            }
            for (var current : writing) {
                for (Pending<T, R> written : current.get()) {
                    if (now - written.submitted >= ANSWER_WITHIN.toNanos() && !written.outcome.isDone()) {
                        written.outcome.completeExceptionally(Problem.unavailable(stalled));
                    }
                }
            }
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void writeUntilClosed(AtomicReference<List<Pending<T, R>>> current) {
        var batch = new ArrayList<Pending<T, R>>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                if (!isReady()) {
                    if (closed) {
                        break;
                    }
                    Thread.sleep(POLL);
                    continue;
                }
                Pending<T, R> first = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            batch.removeIf(pending -> !pending.take());
            if (!batch.isEmpty()) {
                current.set(List.copyOf(batch));
                write(batch);
                current.set(List.of());
            }
            batch.clear();
        }
    }

    /** The gate's answer; a gate that throws counts as not ready (and the writer lives on). */
    private boolean isReady() {
        try {
            return ready.getAsBoolean();
        } catch (RuntimeException e) {
            Log.error("the writer's readiness check failed", e);
            return false;
        }
    }

    /** From now on, every batch's size is told to {@code sizes}. */
    void observeBatchSizes(IntConsumer sizes) {
        this.batchSizes = sizes;
    }

    private void write(List<Pending<T, R>> batch) {
        batchSizes.accept(batch.size());
        try {
            List<R> results = writer.apply(batch.stream().map(Pending::item).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome.complete(results.get(i));
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.outcome.completeExceptionally(e));
        } catch (Error e) {
            // The writer lives on: a dead one would leave later submitters waiting forever.
            Log.error("a batch write failed", e);
            batch.forEach(pending -> pending.outcome.completeExceptionally(Problem.unavailable("the write failed")));
        }
    }

    private static Problem stopping() {
        return Problem.unavailable("the service is stopping");
    }

    /** Lets the writers finish what was submitted (up to ten seconds), then fails whatever is left. */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread thread : writers) {
            try {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            thread.interrupt();
        }
        for (Pending<T, R> left; (left = queue.poll()) != null; ) {
            if (left.take()) {
                left.outcome.completeExceptionally(stopping());
            }
        }
        // A writer still stuck in its batch: its submitters are answered now (no-op for the answered).
        for (var current : writing) {
            current.get().forEach(pending -> pending.outcome.completeExceptionally(stopping()));
        }
        deadlines.interrupt();
    }
}
