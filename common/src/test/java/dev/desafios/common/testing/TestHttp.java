package dev.desafios.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntSupplier;

/** A real HTTP client for a server under test on 127.0.0.1, never through a proxy, with JSON assertions. */
public final class TestHttp implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(TIMEOUT)
            .build();
    private final IntSupplier port;

    /** A client for the server listening on this port of 127.0.0.1. */
    public TestHttp(int port) {
        this(() -> port);
    }

    /** A client for a server on 127.0.0.1 whose port is read at each request (one that a {@link TestServer} starts). */
    public TestHttp(IntSupplier port) {
        this.port = port;
    }

    /** A request builder for a path (with its query) on the server, with a timeout. */
    public HttpRequest.Builder request(String pathAndQuery) {
        URI base = URI.create("http://127.0.0.1:" + port.getAsInt());
        return HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(TIMEOUT);
    }

    /** Sends the request; the body is read as UTF-8 text. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET of the path. */
    public HttpResponse<String> get(String pathAndQuery) {
        return send(request(pathAndQuery).GET());
    }

    /**
     * The first GET of the path that is not a 503, asked every 200 ms for at most {@code within}
     * (a store that is back is used again within about a second); the last 503 when none.
     */
    public HttpResponse<String> getOnceServing(String pathAndQuery, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> response = get(pathAndQuery);
        while (response.statusCode() == 503 && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            response = get(pathAndQuery);
        }
        return response;
    }

    /** DELETE of the path. */
    public HttpResponse<String> delete(String pathAndQuery) {
        return send(request(pathAndQuery).DELETE());
    }

    /** POST of a JSON text with {@code Content-Type: application/json}. */
    public HttpResponse<String> postJson(String path, String json) {
        return post(path, "application/json", BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }

    /** POST of any body with the given content type (none when null). */
    public HttpResponse<String> post(String path, String contentType, BodyPublisher body) {
        HttpRequest.Builder request = request(path).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    /** Asserts a JSON response with the status and an {@code X-Request-Id}, and returns its object. */
    public static JsonObject json(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> "status; body: " + response.body());
        assertEquals("application/json; charset=utf-8", contentType(response));
        assertTrue(response.headers().firstValue("X-Request-Id").isPresent(), "X-Request-Id is returned");
        return Json.parse(response.body()).asObject();
    }

    /**
     * Asserts an RFC 9457 problem with the status: its content type, every member, the request id
     * in the body equal to the header, and the instance equal to the path. Returns the problem.
     */
    public static JsonObject problem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> "status; body: " + response.body());
        assertEquals("application/problem+json; charset=utf-8", contentType(response));
        JsonObject problem = Json.parse(response.body()).asObject();
        assertEquals("about:blank", problem.getString("type", null));
        assertNotNull(problem.getString("title", null), "title");
        assertEquals(status, problem.getInt("status", -1));
        assertTrue(!problem.getString("detail", "").isBlank(), "detail is present");
        assertEquals(response.request().uri().getRawPath(), problem.getString("instance", null));
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals(requestId, problem.getString("requestId", null));
        return problem;
    }

    /** The response's Content-Type, or null. */
    public static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse(null);
    }

    @Override
    public void close() {
        client.close();
    }
}
