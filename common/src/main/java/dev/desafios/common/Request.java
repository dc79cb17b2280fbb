package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/** One incoming request as a handler sees it: path parameters, query, headers, a bounded body. */
public final class Request {
    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final String requestId;
    private final long maxBodyBytes;
    private final RequestState state;
    private Map<String, String> query;

    Request(HttpExchange exchange, Map<String, String> pathParams, String requestId, long maxBodyBytes,
            RequestState state) {
        this.exchange = exchange;
        this.state = state;
        this.pathParams = pathParams;
        this.requestId = requestId;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The HTTP method. */
    public String method() {
        return exchange.getRequestMethod();
    }

    /** The decoded request path. */
    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The request target as sent (its raw path and query), for a handler that passes it on. */
    public URI uri() {
        return exchange.getRequestURI();
    }

    /** The request's headers as received, for a handler that passes them on (read only). */
    public Headers headers() {
        return exchange.getRequestHeaders();
    }

    /** Whether the request came over TLS. */
    public boolean secure() {
        return exchange instanceof HttpsExchange;
    }

    /** The accepted or generated request id. */
    public String requestId() {
        return requestId;
    }

    /** A request header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * Sets a field of this request's access line (a string or a number), after the ones every
     * line has: the gateway adds the upstream that answered, its time and its bytes, and the
     * client behind a trusted proxy as {@code client}.
     */
    public void logField(String name, Object value) {
        state.fields().put(name, value);
    }

    /**
     * Names the route this request is counted under in the metrics: the router sets the pattern
     * that matched; a handler behind a catch-all (the gateway) names its own. Never a raw path: a
     * label per path a client can invent would grow without bound.
     */
    public void route(String pattern) {
        state.route = pattern;
    }

    /** A field set by {@link #logField}, or null. */
    public Object logField(String name) {
        return state.peekFields().get(name);
    }

    /** The client's IP address as seen by this server. */
    public String clientAddress() {
        return peerOf(exchange);
    }

    /** The peer's IP address (its host string when unresolved). */
    static String peerOf(HttpExchange exchange) {
        var remote = exchange.getRemoteAddress();
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }

    /** A whole-number path parameter such as {@code {id}}; the route pattern guarantees its digits. */
    public long idParam(String name) {
        try {
            return Long.parseLong(pathParams.get(name));
        } catch (NumberFormatException e) {
            throw Problem.notFound("no such id: " + Problem.quote(pathParams.get(name)));
        }
    }

    /** A query parameter, or null. A malformed query string is a 400. */
    public String query(String name) {
        if (query == null) {
            query = parseQuery(exchange.getRequestURI().getRawQuery());
        }
        return query.get(name);
    }

    /** A whole-number query parameter within [min, max], or the default when absent. */
    public long queryWhole(String name, long otherwise, long min, long max) {
        String value = query(name);
        if (value == null) {
            return otherwise;
        }
        Long number = Config.wholeWithin(value, min, max);
        if (number == null) {
            throw Problem.badRequest("query parameter '" + name + "' must be a whole number from " + min + " to " + max);
        }
        return number;
    }

    /**
     * Reserves memory for an answer the handler is about to build, when it can be large: a 503
     * instead when the service already holds as much as it may ({@link MemoryBudget}). Held until
     * the answer is sent.
     */
    public void reserveMemory(long bytes) {
        state.memory.reserveAtLeast(bytes);
    }

    /** Gives back what {@link #reserveMemory} holds beyond {@code bytes}: the built answer's own size. */
    public void keepOnlyMemory(long bytes) {
        state.memory.keepOnly(bytes);
    }

    /**
     * The body as a JSON object with only the allowed fields; 415 unless the content type is JSON,
     * sent without a content coding and, if it names a charset, in UTF-8.
     */
    public JsonObject jsonBody(Set<String> allowedFields) {
        requireUnencodedUtf8();
        String type = header("Content-Type");
        if (type == null || !type.toLowerCase().strip().matches("application/json(\\s*;.*)?")) {
            throw Problem.unsupportedMediaType(type);
        }
        byte[] body = body();
        return StrictJson.object(Utf8.strict(body, body.length, "the request body is not valid UTF-8"), allowedFields);
    }

    /**
     * A 415 unless the body is sent as it is (no {@code Content-Encoding} but identity, with
     * {@code Accept-Encoding: identity} in the answer) and in UTF-8 (no charset parameter, or
     * utf-8): checked before any byte of the body is read, by {@link #jsonBody} and by whoever
     * passes a body on unread.
     */
    public void requireUnencodedUtf8() {
        List<String> types = exchange.getRequestHeaders().get("Content-Type");
        if (types != null && types.size() > 1) {
            // One type per body (RFC 9110 section 8.3): checking one line and reading the body as another would be a bypass.
            throw Problem.badRequest("more than one Content-Type header");
        }
        BodyEncoding.requireIdentity(exchange.getRequestHeaders().get("Content-Encoding"));
        BodyEncoding.requireUtf8(header("Content-Type"));
    }

    /**
     * The body bytes, refusing with 413 anything over the limit without reading it to the end.
     * Its memory is reserved first ({@link MemoryBudget}): a 503 when the service already holds
     * as many bodies and answers as it may.
     */
    public byte[] body() {
        String length = header("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw Problem.badRequest("invalid Content-Length");
            }
            if (declared > maxBodyBytes) {
                throw Problem.payloadTooLarge(maxBodyBytes);
            }
        }
        state.memory.reserve(MemoryBudget.BODY_COST * (declared >= 0 ? declared : maxBodyBytes));
        // Not closed here: closing drains what is left of the body (up to drainAmount), and that
        // must come after the answer, or a client that sent less than it declared never gets one.
        // The exchange closes it once the response is out.
        InputStream in = exchange.getRequestBody();
        try {
            if (declared >= 0) {
                // Read into an array of the declared size: a buffer that grows by doubling holds twice as much.
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                return read == body.length ? body : Arrays.copyOf(body, read);
            }
            var out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > maxBodyBytes) {
                    throw Problem.payloadTooLarge(maxBodyBytes);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            // A broken chunked encoding or a client gone mid-body: the client's fault, not ours.
            throw Problem.unreadableBody();
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        var params = new HashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.putIfAbsent(key, value);
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("malformed query string");
            }
        }
        return params;
    }
}
