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
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pass-through of one request to an upstream and of its answer back: method, query, body and
 * end-to-end headers go up; status, content type, body and end-to-end headers come back. Nothing
 * is parsed: the bytes are copied once each way.
 */
final class Proxy {
    /** Hop-by-hop headers (RFC 9110 section 7.6.1), dropped in both directions, with any that Connection names. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");
    /** Never copied from the client: the HTTP client sets them, or the gateway does. */
    private static final Set<String> SET_ON_REQUEST = Set.of("host", "content-length", "expect",
            "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
    /** Never copied from the upstream: the gateway's own server sets them. */
    private static final Set<String> SET_ON_RESPONSE = Set.of("content-length", "content-type", "date",
            "x-request-id", "x-content-type-options");
    /** An X-Forwarded-For the gateway extends: a short list of IP addresses; anything else is replaced. */
    private static final Pattern FORWARDED_FOR = Pattern.compile(
            "[0-9A-Fa-f.:]{2,45}(\\s*,\\s*[0-9A-Fa-f.:]{2,45}){0,9}");
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

    private final Duration requestTimeout;

    Proxy(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** Forwards the request, whose normalised path {@code path} the route matches, and answers what came back. */
    Response forward(Request request, Route route, String path) {
        String query = request.exchange().getRequestURI().getRawQuery();
        if (query != null && !isPrintableAscii(query)) {
            throw Problem.badRequest("the query string has a character that is not printable ASCII; encode it");
        }
        String target = route.upstreamPrefix + path.substring(route.prefix.length());
        if (query != null) {
            target = target + "?" + query;
        }
        String method = request.method();
        HttpRequest.Builder outbound = outbound(request, method, body(request));
        return inbound(route.upstream.send(method, target, outbound), route);
    }

    /** A request carrying the client's end-to-end headers, the request id and X-Forwarded-*; the URI is set per attempt. */
    HttpRequest.Builder outbound(Request request, String method, BodyPublisher body) {
        var builder = HttpRequest.newBuilder().method(method, body).timeout(requestTimeout);
        var headers = request.exchange().getRequestHeaders();
        Set<String> named = connectionTokens(headers.get("Connection"));
        String current = null;
        try {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                current = header.getKey();
                String lower = current.toLowerCase(Locale.ROOT);
                if (SET_ON_REQUEST.contains(lower) || isHopByHop(lower, named)) {
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
                .header("X-Forwarded-For", forwardedFor(headers.getFirst("X-Forwarded-For"), request.clientAddress()))
                .header("X-Forwarded-Proto", "http");
        String host = headers.getFirst("Host");
        if (host != null && HOST.matcher(host).matches()) {
            builder.header("X-Forwarded-Host", host);
        }
        return builder;
    }

    /** The upstream's answer as the gateway's response: status, content type, body, end-to-end headers. */
    static Response inbound(HttpResponse<byte[]> answer, Route route) {
        var upstreamHeaders = answer.headers();
        Set<String> named = connectionTokens(upstreamHeaders.allValues("Connection"));
        var headers = new LinkedHashMap<String, String>();
        for (Map.Entry<String, List<String>> header : upstreamHeaders.map().entrySet()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (SET_ON_RESPONSE.contains(lower) || isHopByHop(lower, named) || lower.startsWith(":")) {
                continue;
            }
            String value = String.join(", ", header.getValue());
            headers.put(header.getKey(), lower.equals("location") ? route.gatewayLocation(value) : value);
        }
        String contentType = upstreamHeaders.firstValue("Content-Type").orElse(null);
        return Response.raw(answer.statusCode(), contentType, answer.body(), new Headers(Map.copyOf(headers)));
    }

    /** The body, bounded by MAX_BODY_BYTES (413 before reading it all); none without Content-Length or chunks. */
    private static BodyPublisher body(Request request) {
        String length = request.header("Content-Length");
        boolean hasBody = request.header("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        return hasBody ? BodyPublishers.ofByteArray(request.body()) : BodyPublishers.noBody();
    }

    /** The client's list (when it is one) with the client's address appended; else the client's address alone. */
    static String forwardedFor(String existing, String client) {
        if (existing != null && FORWARDED_FOR.matcher(existing.strip()).matches()) {
            return existing.strip() + ", " + client;
        }
        return client;
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
