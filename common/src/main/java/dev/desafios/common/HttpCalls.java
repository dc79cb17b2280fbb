package dev.desafios.common;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * Outbound HTTP with a connect timeout and a whole-request timeout on every call, the request id
 * forwarded, and failures mapped once: refused or reset 502, timeout 504, no address 503.
 */
public final class HttpCalls {
    private final HttpClient client;
    private final Duration requestTimeout;

    /** A client whose calls connect within {@code connectTimeout} and finish within {@code requestTimeout}. */
    public HttpCalls(Duration connectTimeout, Duration requestTimeout) {
        this.client = newClient(connectTimeout);
        this.requestTimeout = requestTimeout;
    }

    /**
     * The client every outbound call uses: HTTP/1.1, pooled connections, no proxy, no redirects.
     * Its internal steps run on the thread that gets to them (the caller's, or the client's
     * selector thread) instead of being handed to a thread pool: every body is read into a byte
     * array, so no step blocks, and each call is spared several thread hand-offs (about a sixth
     * more requests per second through the gateway under a one-CPU limit).
     */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    /** A GET of the URI carrying the request id; the response whatever its status. */
    public HttpResponse<byte[]> get(URI uri, String requestId) {
        return send(HttpRequest.newBuilder(uri).GET(), requestId);
    }

    /** Sends the request with the timeout and request id; transport failures become a {@link Problem}. */
    public HttpResponse<byte[]> send(HttpRequest.Builder request, String requestId) {
        HttpRequest built = request.timeout(requestTimeout).header(RequestIds.HEADER, requestId).build();
        try {
            return client.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("the call to " + hostOf(built) + " was interrupted");
        } catch (IOException | RuntimeException e) {
            throw failure(hostOf(built), e);
        }
    }

    /** Maps a transport failure to the problem a client should see (RFC 9110). */
    public static Problem failure(String host, Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return Problem.gatewayTimeout(host + " did not accept a connection in time");
        }
        if (e instanceof HttpTimeoutException) {
            return Problem.gatewayTimeout(host + " did not answer in time");
        }
        if (hasCause(e, UnresolvedAddressException.class) || hasCause(e, java.net.UnknownHostException.class)) {
            return Problem.unavailable(host + " has no running instance (the name does not resolve)");
        }
        if (hasCause(e, ConnectException.class)) {
            return Problem.badGateway(host + " refused the connection");
        }
        return Problem.badGateway(host + " failed: the connection was reset or closed");
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(HttpRequest request) {
        URI uri = request.uri();
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }
}
