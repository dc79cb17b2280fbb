package dev.desafios.gateway;

import dev.desafios.common.Problem;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/** Work done in parallel on virtual threads, and its result taken back with problems intact. */
final class Forks {
    private Forks() {
    }

    /** Starts the task on a new virtual thread. */
    static <T> Future<T> fork(Callable<T> task) {
        var future = new FutureTask<>(task);
        Thread.ofVirtual().name("gateway-fork").start(future);
        return future;
    }

    /** The task's result; a {@link Problem} (or other unchecked exception) it threw is thrown again. */
    static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("the gateway was interrupted while waiting for an upstream");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The task's result, or {@code otherwise} when it failed. */
    static <T> T joinQuietly(Future<T> future, T otherwise) {
        try {
            return join(future);
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
