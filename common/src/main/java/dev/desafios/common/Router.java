package dev.desafios.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes scanned in order, with 404 and 405 built in, and the one place where a request
 * gets its id, exceptions become problem responses, the response is sent and the access
 * line is logged. Before any of it, the request head is held to the {@link Limits} (414, 431).
 * HEAD is answered wherever GET is: the GET handler runs and its status and headers go out
 * without the body, unless a HEAD route of its own matches.
 */
public final class Router implements HttpHandler {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)(?::([^}]+))?}");

    private record Route(String method, String text, Pattern pattern, List<String> names, Handler handler) {
    }

    /** The route label of a request no route matched (404, 405, a head over the limits). */
    public static final String UNMATCHED = "unmatched";
    /** The method labels; any other method a client sends is counted as "other". */
    private static final Set<String> METHOD_LABELS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** The most bytes handed to the JDK in one write ({@link #writeInSlices}). */
    static final int WRITE_SLICE_BYTES = 4096;
    /** Answers smaller than this go out at once (they fit the socket's buffers) and reserve nothing. */
    private static final int HELD_FROM_BYTES = 16 * 1024;

    private final List<Route> routes = new ArrayList<>();
    private final long maxBodyBytes;
    private final Limits limits;
    private Headers always = Headers.empty();
    private final Metrics metrics = new Metrics();
    private final Metrics.Counter requests = metrics.counter("http_requests_total",
            "Requests answered, by route pattern, method and status.", "route", "method", "status");
    private final Metrics.Histogram seconds = metrics.histogram("http_request_duration_seconds",
            "Time from a request's head read to its answer sent, by route pattern.", Metrics.SECONDS_BUCKETS, "route");
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * A router whose requests may carry bodies of at most {@code maxBodyBytes}, with the head
     * limits of this process's environment ({@link Limits#fromEnvironment()}).
     */
    public Router(long maxBodyBytes) {
        this(maxBodyBytes, Limits.fromEnvironment());
    }

    /** A router with these body and head limits. */
    public Router(long maxBodyBytes, Limits limits) {
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
        metrics.gauge("http_requests_in_flight", "Requests being answered now.", inFlight::get);
    }

    /** This router's metrics: its requests, and what the service adds ({@code GET /metrics} on ADMIN_PORT). */
    public Metrics metrics() {
        return metrics;
    }

    /** The head limits this router enforces. */
    public Limits limits() {
        return limits;
    }

    /**
     * Adds a header to every response this router sends, problems included (such as
     * {@code X-Served-By}, naming the replica that answered). Set before serving.
     */
    public Router header(String name, String value) {
        always = always.with(name, value);
        return this;
    }

    /** Adds a GET route. */
    public Router get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    /** Adds a POST route. */
    public Router post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    /** Adds a DELETE route. */
    public Router delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    /**
     * Adds a route. In the pattern, {@code {id}} matches a whole number (anything else is a 404)
     * and {@code {name:regex}} matches the regex; the rest is literal.
     */
    public Router route(String method, String pattern, Handler handler) {
        var names = new ArrayList<String>();
        var regex = new StringBuilder("^");
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start())));
            names.add(m.group(1));
            regex.append("(?<").append(m.group(1)).append('>')
                    .append(m.group(2) == null ? "[0-9]{1,18}" : m.group(2)).append(')');
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last))).append('$');
        routes.add(new Route(method, pattern, Pattern.compile(regex.toString()), names, handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) {
        if (!HeadGuard.headRead()) {
            // Cut under memory pressure while its head was read: the connection is closing.
            exchange.close();
            return;
        }
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            answer(exchange, start);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange, long start) {
        // Only bounded copies of what the client sent go further: into the problem, the log line.
        String method = Problem.bound(exchange.getRequestMethod());
        String path = Problem.bound(exchange.getRequestURI().getRawPath());
        Problem overLimit = limits.check(exchange);
        String requestId = overLimit != null ? RequestIds.generate()
                : RequestIds.acceptOrGenerate(exchange.getRequestHeaders().getFirst(RequestIds.HEADER));
        var state = new RequestState();
        Response response;
        try {
            if (overLimit != null) {
                throw overLimit;
            }
            response = dispatch(exchange, requestId, state);
        } catch (Problem problem) {
            response = Response.problem(problem, path, requestId);
        } catch (Throwable unexpected) {
            Log.error("unhandled error in " + method + " " + path, unexpected);
            response = Response.problem(Problem.internal(), path, requestId);
        }
        try {
            response = held(exchange, response, path, requestId, state.memory);
            send(exchange, response, requestId);
        } finally {
            state.memory.release();
        }
        long nanos = System.nanoTime() - start;
        long ms = nanos / 1_000_000;
        requests.inc(state.route, METHOD_LABELS.contains(method) ? method : "other", String.valueOf(response.status()));
        seconds.observe(nanos / 1e9, state.route);
        Map<String, Object> extra = state.peekFields();
        // A handler that knows the client better (behind a trusted proxy) names it; else the peer.
        Object client = extra.isEmpty() ? null : extra.remove("client");
        long bytes = "HEAD".equals(exchange.getRequestMethod()) ? 0 : response.body().length;
        Log.request(method, path, response.status(), ms, requestId,
                client != null ? String.valueOf(client) : Request.peerOf(exchange), bytes, extra);
    }

    private Response dispatch(HttpExchange exchange, String requestId, RequestState state) throws Exception {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        var allowed = new LinkedHashSet<String>();
        Route getForHead = null;
        Matcher getMatch = null;
        for (Route route : routes) {
            Matcher m = route.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (route.method.equals(method)) {
                return run(route, m, exchange, requestId, state);
            }
            allowed.add(route.method);
            if (route.method.equals("GET")) {
                allowed.add("HEAD");
                if (getForHead == null && method.equals("HEAD")) {
                    getForHead = route;
                    getMatch = m;
                }
            }
        }
        if (getForHead != null) {
            Response response = run(getForHead, getMatch, exchange, requestId, state);
            // The JDK sends no length of its own for HEAD: the length of the body the GET handler
            // just made, as RFC 9110 asks. A HEAD route of its own sends what it knows.
            return hasLength(response.status())
                    ? response.withHeader("Content-Length", String.valueOf(response.body().length)) : response;
        }
        if (!allowed.isEmpty()) {
            throw Problem.methodNotAllowed(method, String.join(", ", allowed));
        }
        throw Problem.notFound("no resource at this path");
    }

    private Response run(Route route, Matcher m, HttpExchange exchange, String requestId, RequestState state)
            throws Exception {
        var params = new HashMap<String, String>();
        for (String name : route.names) {
            params.put(name, m.group(name));
        }
        var request = new Request(exchange, Map.copyOf(params), requestId, maxBodyBytes, state);
        request.route(route.text);
        return route.handler.handle(request);
    }

    /**
     * A large answer reserves its bytes until it is sent ({@link MemoryBudget}): a client that
     * does not read holds it that long. When the budget is spent, a small 503 goes instead.
     */
    private static Response held(HttpExchange exchange, Response response, String path, String requestId,
            MemoryBudget.Reservation memory) {
        if (response.body().length < HELD_FROM_BYTES || "HEAD".equals(exchange.getRequestMethod())) {
            return response;
        }
        try {
            memory.reserveAtLeast(response.body().length);
            return response;
        } catch (Problem busy) {
            return Response.problem(busy, path, requestId);
        }
    }

    /** The one way a response leaves: content type, request id, the length rule, and always closed. */
    private void send(HttpExchange exchange, Response response, String requestId) {
        try (exchange) {
            var headers = exchange.getResponseHeaders();
            if (response.contentType() != null) {
                headers.set("Content-Type", response.contentType());
            }
            headers.set(RequestIds.HEADER, requestId);
            headers.set("X-Content-Type-Options", "nosniff");
            always.values().forEach(headers::set);
            response.headers().lists().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            boolean noBody = response.body().length == 0 || head;
            // sendResponseHeaders: -1 means no body; 0 would mean chunked.
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) {
                writeInSlices(exchange.getResponseBody(), response.body());
                // Out before the close: closing first drains an unread request body (up to
                // drainAmount), and a client that never sends it (a 413) would wait for nothing.
                exchange.getResponseBody().flush();
            }
        } catch (IOException clientGone) {
            // The client closed the connection; there is nobody left to answer.
        }
    }

    /**
     * Writes the body a slice at a time. The JDK copies each write it is handed into a buffer of
     * twice its size, kept by the connection for as long as it lives: a 240 KB page written at once
     * held 720 KB until the client read it, and a keep-alive connection kept the 480 KB after, so
     * 300 clients of a large page ran the heap out though the answers' own bytes were reserved.
     * Slices stay within the JDK's own 8 KiB buffer, which it then never grows past 16 KiB.
     */
    private static void writeInSlices(OutputStream out, byte[] body) throws IOException {
        for (int from = 0; from < body.length; from += WRITE_SLICE_BYTES) {
            out.write(body, from, Math.min(WRITE_SLICE_BYTES, body.length - from));
        }
    }

    /** Whether a response with this status carries a Content-Length (not 1xx, 204 or 304). */
    private static boolean hasLength(int status) {
        return status >= 200 && status != 204 && status != 304;
    }
}
