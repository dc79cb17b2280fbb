package dev.desafios.common;

import com.eclipsesource.json.JsonObject;

/**
 * An RFC 9457 problem: thrown anywhere in a handler, turned into an
 * {@code application/problem+json} response once, by the {@link Router}.
 */
public final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final transient Headers headers;

    /** A problem with the given status, short title and human-readable detail. */
    public Problem(int status, String title, String detail) {
        this(status, title, detail, Headers.empty());
    }

    private Problem(int status, String title, String detail, Headers headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.headers = headers;
    }

    /**
     * 400 for a body that could not be read (a broken chunked encoding, a client gone mid-body),
     * and the connection closed: where the body ended is unknown, and what follows on it must not
     * be read as the next request.
     */
    public static Problem unreadableBody() {
        return new Problem(400, "Bad Request", "the request body could not be read (malformed or cut short)",
                Headers.of("Connection", "close"));
    }

    /** 400: the request is malformed or fails validation. */
    public static Problem badRequest(String detail) {
        return new Problem(400, "Bad Request", detail);
    }

    /** 404: nothing at this path, or no entity with this id. */
    public static Problem notFound(String detail) {
        return new Problem(404, "Not Found", detail);
    }

    /** 405 with the {@code Allow} header listing the methods the path takes. */
    public static Problem methodNotAllowed(String method, String allow) {
        return new Problem(405, "Method Not Allowed", method + " is not allowed here; allowed: " + allow,
                Headers.of("Allow", allow));
    }

    /** 413: the body is over the limit; the connection is closed rather than read to the end. */
    public static Problem payloadTooLarge(long limit) {
        return new Problem(413, "Content Too Large", "the request body is over " + limit + " bytes",
                Headers.of("Connection", "close"));
    }

    /** 414: the request line is over the limit. */
    public static Problem uriTooLong(int limit) {
        return new Problem(414, "URI Too Long", "the request line is over " + limit + " bytes",
                Headers.of("Connection", "close"));
    }

    /** 431: a header, or the headers together, over a limit; the detail says which. */
    public static Problem headersTooLarge(String detail) {
        return new Problem(431, "Request Header Fields Too Large", detail, Headers.of("Connection", "close"));
    }

    /** 415: the body is not {@code application/json}. */
    public static Problem unsupportedMediaType(String contentType) {
        return new Problem(415, "Unsupported Media Type",
                "expected Content-Type application/json, got " + (contentType == null ? "none" : quote(contentType)));
    }

    /**
     * 415: the body is sent with a content coding (gzip, br, ...) the service does not decode;
     * {@code Accept-Encoding: identity} says what it would take (RFC 9110 section 15.5.16).
     */
    public static Problem unsupportedContentCoding(String coding) {
        return new Problem(415, "Unsupported Media Type", "the request body has Content-Encoding " + quote(coding)
                + "; only an unencoded body (identity) is accepted", Headers.of("Accept-Encoding", "identity"));
    }

    /** 415: the content type names a charset other than UTF-8. */
    public static Problem unsupportedCharset(String charset) {
        return new Problem(415, "Unsupported Media Type",
                "the request body is declared as charset " + quote(charset) + "; only utf-8 is accepted");
    }

    /** 409: the request conflicts with what is stored, such as a value that must be unique. */
    public static Problem conflict(String detail) {
        return new Problem(409, "Conflict", detail);
    }

    /** 422: well-formed, but refers to something that does not exist. */
    public static Problem unprocessable(String detail) {
        return new Problem(422, "Unprocessable Content", detail);
    }

    /** 507: the store is full (a disk, or a bounded in-memory store); nothing was written. */
    public static Problem insufficientStorage(String detail) {
        return new Problem(507, "Insufficient Storage", detail);
    }

    /** 502: an upstream refused, reset or answered garbage. */
    public static Problem badGateway(String detail) {
        return new Problem(502, "Bad Gateway", detail);
    }

    /** 429 with {@code Retry-After}: the client sent more than its rate allows; the seconds until it may again. */
    public static Problem tooManyRequests(String detail, long retryAfterSeconds) {
        return new Problem(429, "Too Many Requests", detail, Headers.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /** 503: a dependency is down or no upstream is healthy. */
    public static Problem unavailable(String detail) {
        return new Problem(503, "Service Unavailable", detail);
    }

    /** 503 with {@code Retry-After: 1}: too busy for this request now; the connection stays usable. */
    public static Problem busy(String detail) {
        return new Problem(503, "Service Unavailable", detail, Headers.of("Retry-After", "1"));
    }

    /** 503 for this request alone, with {@code Retry-After}; the connection is closed (its body is never read). */
    public static Problem unavailableClosing(String detail) {
        return new Problem(503, "Service Unavailable", detail,
                Headers.of("Connection", "close").with("Retry-After", "1"));
    }

    /** 504: an upstream did not answer in time. */
    public static Problem gatewayTimeout(String detail) {
        return new Problem(504, "Gateway Timeout", detail);
    }

    /** 500: the body says nothing internal; the cause goes to stderr. */
    public static Problem internal() {
        return new Problem(500, "Internal Server Error", "the server failed to answer; see its log");
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The short, fixed title for the status. */
    public String title() {
        return title;
    }

    /** Extra response headers (Allow, Connection). */
    public Headers headers() {
        return headers;
    }

    /**
     * The problem document, with the path it concerns and the request id; the detail and the
     * instance are cut to {@link #ECHO_CHARS}, since either may carry what a client sent.
     */
    public JsonObject toJson(String instance, String requestId) {
        return new JsonObject()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", bound(getMessage()))
                .add("instance", bound(instance))
                .add("requestId", bound(requestId));
    }

    /** How much of anything a client sent is echoed in a response or written to a log. */
    public static final int ECHO_CHARS = 256;

    /** The text cut to {@link #ECHO_CHARS} characters, then "..." (null stays null). */
    public static String bound(String text) {
        if (text == null || text.length() <= ECHO_CHARS) {
            return text;
        }
        int end = ECHO_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }

    /** Quotes a client-supplied value for a detail message, cut short and without control characters. */
    public static String quote(String value) {
        String clean = (value.length() > 61 ? value.substring(0, 61) : value).replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 60 ? clean.substring(0, 60) + "..." : clean) + "'";
    }
}
