package dev.desafios.gateway;

import dev.desafios.common.Problem;
import dev.desafios.common.Utf8;
import java.nio.charset.StandardCharsets;

/**
 * The request path as the gateway routes and forwards it, made before any routing:
 * <ol>
 * <li>percent-escapes are decoded exactly once;</li>
 * <li>refused with 400: a malformed escape, an encoded slash ({@code %2F}: it would hide a
 *     segment boundary), a backslash, raw or {@code %5C} (some servers treat it as a slash), an
 *     encoded percent sign ({@code %25}: nothing is decoded twice, so {@code %252e} can never
 *     become a dot later), control characters and NUL, raw bytes outside printable ASCII,
 *     bytes that are not UTF-8, and any {@code .} or {@code ..} segment, encoded or not, also
 *     with a {@code ;parameter} ({@code ..;}) as some servers read it;</li>
 * <li>runs of slashes are collapsed into one ({@code //} is what a client's careless join
 *     produces, as nginx's {@code merge_slashes} assumes), keeping a trailing slash;</li>
 * <li>each segment is encoded again: unreserved characters, sub-delimiters, {@code :} and
 *     {@code @} as they are, everything else (including {@code ?} and {@code #}) as UTF-8
 *     percent-escapes.</li>
 * </ol>
 * Only the result is routed and sent upstream.
 */
final class SafePath {
    /** Longer paths get 414: no route here needs more. */
    static final int MAX_LENGTH = 2048;

    private static final boolean[] KEPT = new boolean[128];

    static {
        for (char c : ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@").toCharArray()) {
            KEPT[c] = true;
        }
    }

    private SafePath() {
    }

    /** The normalised, re-encoded path; a {@link Problem} (400 or 414) for anything refused. */
    static String normalise(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw Problem.badRequest("the path must start with /");
        }
        if (rawPath.length() > MAX_LENGTH) {
            throw new Problem(414, "URI Too Long", "the path is longer than " + MAX_LENGTH + " characters");
        }
        String decoded = decodeOnce(rawPath);
        var out = new StringBuilder(rawPath.length() + 8);
        int start = 1;
        while (start <= decoded.length()) {
            int end = decoded.indexOf('/', start);
            if (end < 0) {
                end = decoded.length();
            }
            if (end > start) {
                String segment = decoded.substring(start, end);
                checkNotDots(segment);
                out.append('/');
                encode(segment, out);
            }
            start = end + 1;
        }
        if (out.isEmpty() || decoded.endsWith("/")) {
            out.append('/');
        }
        return out.toString();
    }

    private static String decodeOnce(String raw) {
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int b;
            if (c == '%') {
                int hi = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hex(raw.charAt(i + 2));
                if (lo < 0) {
                    throw Problem.badRequest("malformed percent-encoding in the path");
                }
                b = hi * 16 + lo;
                i += 2;
                if (b == '/') {
                    throw Problem.badRequest("an encoded slash (%2F) in the path is refused");
                }
                if (b == '%') {
                    throw Problem.badRequest("an encoded percent sign (%25) in the path is refused: it is decoded once, never twice");
                }
            } else if (c < 0x21 || c > 0x7e) {
                throw Problem.badRequest("the path has a character that is not printable ASCII; encode it");
            } else {
                b = c;
            }
            if (b == '\\') {
                throw Problem.badRequest("a backslash in the path is refused");
            }
            if (b < 0x20 || b == 0x7f) {
                throw Problem.badRequest("a control character in the path is refused");
            }
            bytes[n++] = (byte) b;
        }
        return Utf8.strict(bytes, n, "the decoded path is not UTF-8");
    }

    /** An ASCII hex digit's value, or -1 (Character.digit would also take other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static void checkNotDots(String segment) {
        int semicolon = segment.indexOf(';');
        String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
        if (name.equals(".") || name.equals("..")) {
            throw Problem.badRequest("'.' and '..' segments (also encoded) are refused in the path");
        }
    }

    private static void encode(String segment, StringBuilder out) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 128 && KEPT[c]) {
                out.append(c);
                continue;
            }
            int end = Character.isHighSurrogate(c) && i + 1 < segment.length() ? i + 2 : i + 1;
            for (byte b : segment.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            i = end - 1;
        }
    }
}
