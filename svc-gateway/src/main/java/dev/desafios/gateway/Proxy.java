package dev.desafios.gateway;

import dev.desafios.common.Headers;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.RequestIds;
import dev.desafios.common.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Pass-through of one request to an upstream and of its answer back: method, query, body and
 * end-to-end headers go up, with forwarding headers the gateway writes itself (it is the edge:
 * what a client says about addresses is not believed); status, content type, body and the
 * headers of an allowlist come back. Bodies are copied as they are, except a problem document,
 * whose {@code instance} becomes the client's own path.
 */
final class Proxy {
    /** Hop-by-hop headers (RFC 9110 section 7.6.1), dropped in both directions, with any that Connection names. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");
    /**
     * Never copied from the client: the HTTP client sets them, or the gateway does, or they claim
     * where the request came from, which only the gateway knows (any other X-Forwarded-* too).
     */
    private static final Set<String> SET_ON_REQUEST = Set.of("host", "content-length", "expect",
            "x-request-id", "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-cluster-client-ip",
            "cf-connecting-ip", "fastly-client-ip", "x-original-forwarded-for", "client-ip");
    /**
     * The only upstream response headers passed on (RFC 9110's content, caching and redirection
     * fields, cookies, and the replica that answered); the gateway's server sets Content-Type,
     * Content-Length, Date and X-Request-Id itself. Anything else an upstream says (its server
     * name, debugging or internal headers) stays inside.
     */
    private static final Set<String> PASSED_ON_RESPONSE = Set.of("content-language", "content-encoding",
            "content-disposition", "content-range", "accept-ranges", "cache-control", "expires", "etag",
            "last-modified", "vary", "age", "location", "retry-after", "allow", "set-cookie",
            "www-authenticate", "x-served-by");
    private static final String PROBLEM_TYPE = "application/problem+json";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    /** A gateway path prefix served by an upstream under its own prefix: /api/users by users at /users. */
    record Route(String prefix, Upstream upstream, String upstreamPrefix) {
        boolean matches(String path) {
            return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }

        /** A Location the upstream gave in its own paths (/users/7), as the client must use it (/api/users/7). */
        String gatewayLocation(String location) {
            if (location.startsWith(upstreamPrefix) && (location.length() == upstreamPrefix.length()
                    || "/?".indexOf(location.charAt(upstreamPrefix.length())) >= 0)) {
                return prefix + location.substring(upstreamPrefix.length());
            }
            return location;
        }
    }

    private final TrustedProxies trustedProxies;

    Proxy(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** The client's address: the peer, or the one a trusted proxy says it forwards for. */
    String client(Request request) {
        String peer = request.clientAddress();
        // Every request asks: the forwarded list is joined only for a peer that may send one.
        return trustedProxies.isTrusted(peer)
                ? trustedProxies.client(forwardedFor(request.headers()), peer) : peer;
    }

    /** Forwards the request, whose normalised path {@code path} the route matches, and answers what came back. */
    Response forward(Request request, Route route, String path) {
        String query = request.uri().getRawQuery();
        if (query != null && !isPrintableAscii(query)) {
            throw Problem.badRequest("the query string has a character that is not printable ASCII; encode it");
        }
        String target = route.upstreamPrefix + path.substring(route.prefix.length());
        if (query != null) {
            target = target + "?" + query;
        }
        String method = request.method();
        HttpRequest.Builder outbound = outbound(request, method, body(request));
        long started = System.nanoTime();
        HttpResponse<byte[]> answer = route.upstream.send(method, target, outbound);
        noteUpstream(request, answer, started);
        return inbound(answer, route, request.uri().getRawPath(), request.requestId());
    }

    /**
     * The access line's upstream fields: the address that answered, the call's time and the
     * body's bytes; with several calls (the aggregate), each address, the longest time and all
     * the bytes.
     */
    static void noteUpstream(Request request, HttpResponse<byte[]> answer, long startedNanos) {
        String address = answer.uri().getRawAuthority();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (request.logField("upstream") instanceof String earlier) {
            address = earlier + " " + address;
            ms = Math.max(ms, ((Number) request.logField("upstreamMs")).longValue());
        }
        long bytes = answer.body().length
                + (request.logField("upstreamBytes") instanceof Number earlier ? earlier.longValue() : 0);
        request.logField("upstream", address);
        request.logField("upstreamMs", ms);
        request.logField("upstreamBytes", bytes);
    }

    /**
     * A request carrying the client's end-to-end headers, the request id and the gateway's own
     * X-Forwarded-For (the peer, or a trusted proxy's list and the peer), X-Forwarded-Proto (how
     * the gateway was reached) and X-Forwarded-Host (the Host the client sent, when well-formed);
     * the URI is set per attempt. {@code body} is null for a request without one.
     */
    HttpRequest.Builder outbound(Request request, String method, BodyPublisher body) {
        var builder = withMethod(HttpRequest.newBuilder(), method, body);
        var headers = request.headers();
        Set<String> named = connectionTokens(headers.get("Connection"));
        String current = null;
        try {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                current = header.getKey();
                String lower = current.toLowerCase(Locale.ROOT);
                if (SET_ON_REQUEST.contains(lower) || lower.startsWith("x-forwarded-") || isHopByHop(lower, named)) {
                    continue;
                }
                for (String value : header.getValue()) {
                    builder.header(current, value);
                }
            }
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("the request header " + Problem.quote(current) + " cannot be forwarded");
        }
        builder.header(RequestIds.HEADER, request.requestId())
                .header("X-Forwarded-For", trustedProxies.forwardedFor(forwardedFor(headers), request.clientAddress()))
                .header("X-Forwarded-Proto", request.secure() ? "https" : "http");
        String host = headers.getFirst("Host");
        if (host != null && HOST.matcher(host).matches()) {
            builder.header("X-Forwarded-Host", host);
        }
        return builder;
    }

    /**
     * The upstream's answer as the gateway's response: status, content type, body and the
     * allowed headers, each value kept (several Set-Cookie stay several); a problem document gets
     * the client's path as its {@code instance}.
     */
    static Response inbound(HttpResponse<byte[]> answer, Route route, String clientPath, String requestId) {
        var upstreamHeaders = answer.headers();
        var headers = new LinkedHashMap<String, List<String>>();
        for (Map.Entry<String, List<String>> header : upstreamHeaders.map().entrySet()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (!PASSED_ON_RESPONSE.contains(lower) || header.getValue().isEmpty()) {
                continue;
            }
            List<String> values = lower.equals("location")
                    ? header.getValue().stream().map(route::gatewayLocation).toList()
                    : List.copyOf(header.getValue());
            headers.put(header.getKey(), values);
        }
        String contentType = upstreamHeaders.firstValue("Content-Type").orElse(null);
        boolean problem = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(PROBLEM_TYPE);
        // An answer to HEAD has no body: the length of the GET's body it describes is passed on,
        // unless the gateway rewrites that body (a problem gets the client's path).
        upstreamHeaders.firstValue("Content-Length")
                .filter(length -> !problem && answer.request().method().equals("HEAD") && length.matches("[0-9]{1,18}"))
                .ifPresent(length -> headers.put("Content-Length", List.of(length)));
        byte[] body = answer.body();
        if (problem) {
            body = UpstreamProblem.asClientSees(body, clientPath, requestId);
        }
        return Response.raw(answer.statusCode(), contentType, body, new Headers(Map.copyOf(headers)));
    }

    /**
     * The method and body: a GET, HEAD or DELETE without a body goes without a Content-Length (a
     * {@code noBody()} publisher would send {@code Content-Length: 0}, which RFC 9110 section
     * 8.6 asks a client not to send when the method gives a body no meaning).
     */
    private static HttpRequest.Builder withMethod(HttpRequest.Builder builder, String method, BodyPublisher body) {
        if (body != null) {
            return builder.method(method, body);
        }
        return switch (method) {
            case "GET" -> builder.GET();
            case "HEAD" -> builder.HEAD();
            case "DELETE" -> builder.DELETE();
            default -> builder.method(method, BodyPublishers.noBody());
        };
    }

    /**
     * The body, bounded by MAX_BODY_BYTES (413 before reading it all); none without Content-Length
     * or chunks. A body the services behind cannot read (a content coding, a charset other than
     * UTF-8) is refused here with their 415, so that nothing unsupported crosses the edge. Null
     * when there is none.
     */
    private static BodyPublisher body(Request request) {
        String length = request.header("Content-Length");
        boolean hasBody = request.header("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        if (!hasBody) {
            return null;
        }
        request.requireUnencodedUtf8();
        return BodyPublishers.ofByteArray(request.body());
    }

    /** Every X-Forwarded-For line the client sent, as one list (null when none). */
    private static String forwardedFor(com.sun.net.httpserver.Headers headers) {
        List<String> lines = headers.get("X-Forwarded-For");
        return lines == null || lines.isEmpty() ? null : String.join(",", lines);
    }

    private static boolean isHopByHop(String lowerName, Set<String> namedByConnection) {
        return HOP_BY_HOP.contains(lowerName) || lowerName.startsWith("proxy-") || namedByConnection.contains(lowerName);
    }

    private static Set<String> connectionTokens(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Set.of();
        }
        var tokens = new HashSet<String>();
        for (String value : values) {
            for (String token : value.split(",")) {
                tokens.add(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
