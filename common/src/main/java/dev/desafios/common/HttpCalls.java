package dev.desafios.common;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Outbound HTTP with one deadline per call (connect, headers and the whole body), a bound on the
 * body, the request id forwarded, and failures mapped once: refused or reset 502, timeout 504, no
 * address 503; an answer that is not the JSON asked for, 502, or the upstream's own 503 or 504
 * ({@link #json}). Problems name the service called, never its host or port.
 */
public final class HttpCalls implements Drainable {
    /** The largest response body read when none is given: far above any answer of these services. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final String service;
    private final CallClient client;
    private final Duration deadline;
    private final long maxBodyBytes;

    /** Calls that connect within {@code connectTimeout} and end, body read, within {@code deadline}. */
    public HttpCalls(Duration connectTimeout, Duration deadline) {
        this(null, connectTimeout, deadline, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * Calls to {@code service} (the name problems use; null for the host called) that connect within
     * {@code connectTimeout}, end within {@code deadline} and read bodies of at most {@code maxBodyBytes}.
     */
    public HttpCalls(String service, Duration connectTimeout, Duration deadline, long maxBodyBytes) {
        this.service = service;
        this.client = new CallClient(connectTimeout);
        this.deadline = deadline;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Every call, in flight or to come, ends by the drain's end. */
    @Override
    public void draining(long endNanos) {
        client.draining(endNanos);
    }

    /** Cancels the calls still in flight. */
    @Override
    public void close() {
        client.close();
    }

    /** A GET of the URI carrying the request id; the response whatever its status. */
    public HttpResponse<byte[]> get(URI uri, String requestId) {
        return send(HttpRequest.newBuilder(uri).GET(), requestId);
    }

    /** Sends the request within the deadline with the request id; transport failures become a {@link Problem}. */
    public HttpResponse<byte[]> send(HttpRequest.Builder request, String requestId) {
        long end = System.nanoTime() + deadline.toNanos();
        HttpRequest built = request.header(RequestIds.HEADER, requestId).build();
        String name = service != null ? service : built.uri().getHost();
        try {
            return client.await(sendApart(built), end);
        } catch (IOException | RuntimeException e) {
            throw failure(name, e);
        }
    }

    /**
     * The call, started on a thread of its own: the client resolves the host name on the thread
     * that starts the call, before any of its timers runs, and Docker's DNS can take seconds to
     * say that a name whose containers are all stopped is gone. Cancelling the result cancels the
     * exchange.
     */
    private CompletableFuture<HttpResponse<byte[]>> sendApart(HttpRequest request) {
        var call = new CompletableFuture<HttpResponse<byte[]>>();
        Thread.ofVirtual().name("http-call").start(() -> {
            CompletableFuture<HttpResponse<byte[]>> exchange;
            try {
                exchange = client.sendAsync(request, BoundedBody.handler(maxBodyBytes));
            } catch (RuntimeException e) {
                call.completeExceptionally(e);
                return;
            }
            exchange.whenComplete((response, failure) -> {
                if (failure != null) {
                    call.completeExceptionally(failure);
                } else {
                    call.complete(response);
                }
            });
            call.whenComplete((response, failure) -> {
                if (call.isCancelled()) {
                    exchange.cancel(true);
                }
            });
        });
        return call;
    }

    /** Whether the call failed while connecting (refused, unreachable, connect timeout): nothing was sent. */
    public static boolean connectFailed(Throwable e) {
        return hasCause(e, HttpConnectTimeoutException.class) || hasCause(e, ConnectException.class);
    }

    /** Whether the call got no whole answer in time, once connected (a connect timeout is {@link #connectFailed}). */
    public static boolean timedOut(Throwable e) {
        return hasCause(e, HttpTimeoutException.class) && !hasCause(e, HttpConnectTimeoutException.class);
    }

    /**
     * Whether the connection was closed or reset before a whole answer came: no timeout, no failed
     * connect, no answer over the size limit, nothing that is not HTTP (the upstream answered, and
     * would answer the same again) and no call cancelled here.
     */
    public static boolean cutShort(Throwable e) {
        return !connectFailed(e) && !hasCause(e, HttpTimeoutException.class) && !hasCause(e, BoundedBody.TooLarge.class)
                && !hasCause(e, ProtocolException.class) && !hasCause(e, CancellationException.class)
                && !hasCause(e, InterruptedException.class) && hasCause(e, IOException.class);
    }

    /** Maps a transport failure of a call to {@code service} to the problem a client should see (RFC 9110). */
    public static Problem failure(String service, Throwable e) {
        if (hasCause(e, BoundedBody.TooLarge.class)) {
            return Problem.badGateway(service + " answered a body over the size limit");
        }
        if (hasCause(e, HttpConnectTimeoutException.class)) {
            return Problem.gatewayTimeout(service + " did not accept a connection in time");
        }
        if (hasCause(e, HttpTimeoutException.class)) {
            return Problem.gatewayTimeout(service + " did not answer in time");
        }
        if (hasCause(e, UnresolvedAddressException.class) || hasCause(e, java.net.UnknownHostException.class)) {
            return Problem.unavailable(service + " has no running instance (the name does not resolve)");
        }
        if (hasCause(e, ConnectException.class)) {
            return Problem.badGateway(service + " refused the connection");
        }
        return Problem.badGateway(service + " failed: the connection was reset or closed");
    }

    /**
     * The JSON of a 200 answer from {@code service} about {@code what} ("user 7"). Any other status
     * is the upstream's failure, as a client should see it (RFC 9110): its 503 (it cannot serve now)
     * and 504 (a call of its own was not answered in time) stay what they are, any other status is
     * a 502, and so is a body that is not JSON.
     */
    public static JsonValue json(HttpResponse<byte[]> answer, String service, String what) {
        int status = answer.statusCode();
        if (status != 200) {
            String detail = service + " answered " + status + " for " + what;
            throw switch (status) {
                case 503 -> Problem.unavailable(detail);
                case 504 -> Problem.gatewayTimeout(detail);
                default -> Problem.badGateway(detail);
            };
        }
        try {
            return Json.parse(new String(answer.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw Problem.badGateway(service + " answered something that is not JSON for " + what);
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
