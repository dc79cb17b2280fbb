package dev.desafios.common;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A service's calls to others: one JDK client (HTTP/1.1, pooled connections, no proxy, no
 * redirects) and one deadline per call, which is the call's only one. As a server's resource,
 * the calls end with its drain, and those still in flight after it are cancelled.
 */
public final class CallClient implements Drainable {
    private final HttpClient client;
    private final CallDeadline.Group deadlines = new CallDeadline.Group();

    /**
     * Calls that connect within {@code connectTimeout}. The client's internal steps run on the
     * thread that gets to them (the caller's, or the client's selector thread) instead of being
     * handed to a thread pool: every body is read into a byte array, so no step blocks, and each
     * call is spared several thread hand-offs. No request is given the JDK's own timeout: each
     * one wakes the client's selector thread to register a timer, one more hand-off per call.
     */
    public CallClient(Duration connectTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Sends the request on the current thread and waits for the response, body read, until
     * {@code deadlineNanos} ({@link System#nanoTime()}): then the call is cancelled and an
     * {@link HttpTimeoutException} thrown. The way for a caller that has the upstream's address
     * (no name to resolve): the client's blocking {@code send} completes on the thread that waits
     * for it, where {@code sendAsync} hands every answer to the common pool before the waiting
     * thread sees it, a thread hand-off on every call.
     */
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, long deadlineNanos) throws IOException {
        try (var deadline = deadlines.start(deadlineNanos)) {
            try {
                return client.send(request, handler);
            } catch (InterruptedException e) {
                throw interrupted(deadline, e);
            }
        }
    }

    /** Starts the call; {@link #await} waits for it. Cancelling the result cancels the exchange. */
    <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
        return client.sendAsync(request, handler);
    }

    /**
     * The call's response once its body is read, or, at {@code deadlineNanos} ({@link System#nanoTime()}),
     * the call cancelled and an {@link HttpTimeoutException}. The JDK client's own request timeout
     * stops at the response headers: a body that trickles would hold the call for ever.
     */
    <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> call, long deadlineNanos) throws IOException {
        try (var deadline = deadlines.start(deadlineNanos)) {
            try {
                return call.get();
            } catch (InterruptedException e) {
                call.cancel(true);
                throw interrupted(deadline, e);
            }
        } catch (CancellationException e) {
            throw new IOException("the call was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IOException(cause);
        }
    }

    private static IOException interrupted(CallDeadline deadline, InterruptedException e) {
        if (deadline.expired()) {
            return new HttpTimeoutException("no whole answer within the deadline");
        }
        Thread.currentThread().interrupt();
        return new IOException("the call was interrupted", e);
    }

    /** Every call, in flight or to come, ends by the drain's end: its caller can still answer. */
    @Override
    public void draining(long endNanos) {
        deadlines.endAllBy(endNanos);
    }

    /**
     * Cancels the calls still in flight at once. {@link HttpClient#close()} would wait for them,
     * without bound when a body never ends.
     */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
