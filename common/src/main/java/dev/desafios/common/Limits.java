package dev.desafios.common;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Map;

/**
 * The request-head limits a {@link Router} enforces before anything else, and the JDK parser's own
 * cap that sits above them. A header's size is counted as on the wire: name, ": ", value and CRLF.
 *
 * @param maxRequestLineBytes the request line (method, target, version): over it, 414
 * @param maxHeaderBytes one header field line: over it, 431
 * @param maxHeadersBytes all header field lines together: over it, 431
 * @param maxHeaders how many header field lines (a repeated name counts each time): over it, 431
 */
public record Limits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeadersBytes, int maxHeaders) {
    /** The defaults: 8 KiB request line, 8 KiB per header, 32 KiB of headers, 100 headers. */
    public static final Limits DEFAULTS = new Limits(8 * 1024, 8 * 1024, 32 * 1024, 100);

    /**
     * What a proxy in front of services with these limits adds to each request at most: its
     * forwarding headers (X-Forwarded-For with its short list, -Proto, -Host from a valid Host),
     * the request id, the upstream's Host, a User-Agent and a Content-Length.
     */
    static final int PROXY_HEADERS = 10;
    static final int PROXY_BYTES = 2 * 1024;

    /** The JDK parser counts 32 bytes more per line (RFC 9113's field overhead) than we do. */
    private static final int JDK_LINE_OVERHEAD = 32;

    public Limits {
        if (maxRequestLineBytes < 64 || maxHeaderBytes < 64 || maxHeadersBytes < maxHeaderBytes || maxHeaders < 1) {
            throw new IllegalArgumentException("limits too small: " + maxRequestLineBytes + ", " + maxHeaderBytes
                    + ", " + maxHeadersBytes + ", " + maxHeaders);
        }
    }

    /**
     * {@code MAX_REQUEST_LINE_BYTES}, {@code MAX_HEADER_BYTES}, {@code MAX_HEADERS_BYTES} and
     * {@code MAX_HEADERS} from the settings, each defaulting to {@link #DEFAULTS}.
     */
    public static Limits from(Config config) {
        int line = (int) config.whole("MAX_REQUEST_LINE_BYTES", DEFAULTS.maxRequestLineBytes, 1024, 1024 * 1024);
        int header = (int) config.whole("MAX_HEADER_BYTES", DEFAULTS.maxHeaderBytes, 1024, 1024 * 1024);
        int headers = (int) config.whole("MAX_HEADERS_BYTES", DEFAULTS.maxHeadersBytes, 1024, 4 * 1024 * 1024);
        int count = (int) config.whole("MAX_HEADERS", DEFAULTS.maxHeaders, 16, 10_000);
        if (headers < header) {
            throw Config.ConfigException.invalid("MAX_HEADERS_BYTES", String.valueOf(headers),
                    "at least MAX_HEADER_BYTES (" + header + ")");
        }
        return new Limits(line, header, headers, count);
    }

    /** The limits of this process's environment: every service reads the same ones. */
    public static Limits fromEnvironment() {
        return from(new Config(System.getenv()));
    }

    /**
     * These limits less a margin: what a proxy may accept so that the request it forwards, with
     * up to {@code headers} more header lines of {@code bytes} in all, stays within these limits.
     */
    public Limits less(int headers, int bytes) {
        return new Limits(maxRequestLineBytes - bytes, maxHeaderBytes - bytes, maxHeadersBytes - bytes,
                maxHeaders - headers);
    }

    /** These limits less what the project's gateway adds to every request it forwards. */
    public Limits forProxy() {
        return less(PROXY_HEADERS, PROXY_BYTES);
    }

    /**
     * The JDK parser's cap, {@code sun.net.httpserver.maxReqHeaderSize}: one and a half times what
     * the handler limits let through (as the JDK counts it), so that a head somewhat over them still
     * reaches the handler and gets its 414/431, while what one connection can make the parser hold
     * stays small (it keeps a header in a char array that doubles as it grows: about four bytes a
     * byte of the longest header). Past it the JDK closes the connection without an answer.
     */
    public int jdkHeadSizeCap() {
        return 3 * (maxRequestLineBytes + maxHeadersBytes + JDK_LINE_OVERHEAD * (maxHeaders + 1)) / 2;
    }

    /**
     * The JDK parser's count cap, {@code sun.net.httpserver.maxReqHeaders}, which counts distinct
     * names only: above the handler's, so that one header too many gets a 431, not a closed connection.
     */
    public int jdkHeaderNamesCap() {
        return 2 * maxHeaders;
    }

    /** The problem for a request head over these limits, or null when it is within them. */
    Problem check(HttpExchange exchange) {
        // The request line as sent: URI keeps the original text of the target it was parsed from.
        long line = exchange.getRequestMethod().length() + 1L + exchange.getRequestURI().toString().length()
                + 1 + exchange.getProtocol().length();
        if (line > maxRequestLineBytes) {
            return Problem.uriTooLong(maxRequestLineBytes);
        }
        long total = 0;
        int count = 0;
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                long size = header.getKey().length() + 2L + value.length() + 2;
                if (size > maxHeaderBytes) {
                    return Problem.headersTooLarge("a header field is over " + maxHeaderBytes + " bytes");
                }
                total += size;
                count++;
            }
        }
        if (count > maxHeaders) {
            return Problem.headersTooLarge("more than " + maxHeaders + " header fields");
        }
        if (total > maxHeadersBytes) {
            return Problem.headersTooLarge("the header fields are over " + maxHeadersBytes + " bytes together");
        }
        return null;
    }
}
