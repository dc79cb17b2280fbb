package dev.desafios.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.HostileBodies.Body;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table-driven bad-input suite for one server on 127.0.0.1: hostile JSON bodies, paths, query
 * strings, headers and request lines, a body far over the limit and a slow client. Every answer a
 * handler gives must be a 4xx problem without a stack trace or an internal name; what the JDK's own
 * parser refuses before any handler may be its plain 400 or a closed connection; after each batch
 * the given check (health, nothing written lost) runs.
 */
public final class BadInput {
    /** Words that only a stack trace, an exception message or a connection string would put in a body. */
    private static final List<String> LEAKS = List.of("exception", "at dev.", "java.", "sun.", "jdbc:");
    /** How the JDK's HttpServer begins the body of a request it refuses itself. */
    private static final String JDK_REFUSAL = "<h1>";

    private final int port;
    private final Runnable afterBatch;
    private final TestHttp http;
    private final RawHttp raw;
    private int answers;

    /** A suite against the server on this port; {@code afterBatch} asserts health and that nothing was lost. */
    public BadInput(int port, Runnable afterBatch) {
        this.port = port;
        this.afterBatch = afterBatch;
        this.http = new TestHttp(port);
        this.raw = new RawHttp(port);
    }

    /** How many hostile requests got an answer (or a closed connection) so far. */
    public int answers() {
        return answers;
    }

    // ---------------------------------------------------------------- tables

    /** Hostile paths under a collection such as {@code /notes}: ids that are not ids, encodings, traversal. */
    public static List<String> paths(String collection) {
        var paths = new ArrayList<String>();
        for (String suffix : new String[] {"/abc", "/-1", "/0", "/1.5", "/1e3", "/0x1", "/99999999999999999999",
                "/9223372036854775808", "/%00", "/%2e%2e", "/..", "/../health", "/./1", "//1", "/1/", "/1/x",
                "/1;jsessionid=x", "/1%20", "/%31", "/%ff%fe", "/%c0%ae%c0%ae", "/caf%C3%A9", "/%zz", "/1%0d%0aX-Injected:%20yes",
                "/..%2f..%2fetc%2fpasswd", "%2f..", "/%5c..", "/" + "9".repeat(100_000), "/" + "a".repeat(10_000), "/*"}) {
            paths.add(collection + suffix);
        }
        return paths;
    }

    /** Hostile query strings for a list endpoint (accepted or refused, never a 5xx). */
    public static List<String> queries(String path) {
        var queries = new ArrayList<String>();
        for (String query : new String[] {"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1e999999",
                "limit=1180591620717411303424", "limit=%zz", "limit=%00", "limit=", "limit", "offset=-1", "offset=abc",
                "offset=99999999999999999999", "offset=1e3", "limit=1&limit=abc", "limit=abc&limit=1", "%=%", "&&&",
                "=", "limit=" + "9".repeat(100_000), "limit[]=1", "limit=1%0d%0aX-Injected:%201", "limit=%c0%ae",
                "userId=abc", "userId=-1", "userId=99999999999999999999", "userId=1e999999", "userId="}) {
            queries.add(path + "?" + query);
        }
        return queries;
    }

    // ---------------------------------------------------------------- runners

    /**
     * Sends every hostile body with this method to this path: each a 4xx problem (or, for the odd
     * but valid, not a 5xx); a 415 for a content coding says {@code Accept-Encoding: identity}.
     * Then {@link #nullsAsAbsent}.
     */
    public void bodies(String method, String path, JsonObject valid) {
        for (Body body : HostileBodies.of(valid)) {
            HttpResponse<String> response = send(method, path, body);
            String what = method + " " + path + " with " + body.name();
            String type = TestHttp.contentType(response);
            if (body.mayBeAccepted() && response.statusCode() < 300) {
                assertNoLeak(response.body(), what);
            } else {
                assertHandlerProblem(response.statusCode(), type, response.body(), what);
            }
            if (body.contentEncoding() != null && !body.mayBeAccepted() && response.statusCode() == 415) {
                assertEquals("identity", response.headers().firstValue("Accept-Encoding").orElse(null),
                        what + ": Accept-Encoding on the 415");
            }
            answers++;
        }
        nullsAsAbsent(method, path, valid);
        afterBatch.run();
    }

    /**
     * Each field as JSON {@code null} is answered as the same body without that field: accepted
     * when that is (an optional field), refused when that is (a required one), never a 5xx; a
     * refusal that names the field says that it is null, not only that it is required.
     */
    private void nullsAsAbsent(String method, String path, JsonObject valid) {
        for (String field : valid.names()) {
            var without = new JsonObject(valid);
            without.remove(field);
            String what = method + " " + path + " with " + field + "=null";
            HttpResponse<String> absent = send(method, path, Body.json(field + " absent", without.toString()));
            HttpResponse<String> nul = send(method, path, Body.json(what, HostileBodies.replace(valid, field, "null")));
            answers += 2;
            boolean absentAccepted = absent.statusCode() < 300;
            boolean nullAccepted = nul.statusCode() < 300;
            assertEquals(absentAccepted, nullAccepted, () -> what + ": " + nul.statusCode() + " " + cut(nul.body())
                    + ", but without the field: " + absent.statusCode() + " " + cut(absent.body()));
            if (nullAccepted) {
                assertNoLeak(nul.body(), what);
                continue;
            }
            assertHandlerProblem(nul.statusCode(), TestHttp.contentType(nul), nul.body(), what);
            String detail = Json.parse(nul.body()).asObject().getString("detail", "");
            assertTrue(!detail.contains("'" + field + "'") || detail.contains("null"),
                    () -> what + ": the refusal names the field but not null: " + detail);
        }
    }

    private HttpResponse<String> send(String method, String path, Body body) {
        var request = http.request(path).method(method, BodyPublishers.ofByteArray(body.bytes()));
        if (body.contentType() != null) {
            request.header("Content-Type", body.contentType());
        }
        if (body.contentEncoding() != null) {
            request.header("Content-Encoding", body.contentEncoding());
        }
        try {
            return http.send(request);
        } catch (RuntimeException e) {
            throw new AssertionError(method + " " + path + " with " + body.name() + ": no answer", e);
        }
    }

    /** Sends each target raw with this method: a 4xx problem from a handler, the JDK's plain 400, or a closed connection. */
    public void targets(String method, List<String> targets) {
        for (String target : targets) {
            assertRaw(raw.raw(method + " " + target + " HTTP/1.1"), method + " " + cut(target), true);
        }
        afterBatch.run();
    }

    /** Sends each target raw with this method: anything but a 5xx (odd queries may be ignored), no leaks. */
    public void queries(String method, List<String> targets) {
        for (String target : targets) {
            assertRaw(raw.raw(method + " " + target + " HTTP/1.1"), method + " " + cut(target), false);
        }
        afterBatch.run();
    }

    /**
     * Hostile headers on a request to this path (CRLF, bare CR or LF, folding, NUL, no colon, 64 KB
     * and 1 MiB values, 200 headers, contradictory lengths) and malformed request lines: the answer
     * is not a 5xx, leaks nothing and injects no header; the JDK may answer 400 or close.
     */
    public void headersAndRequestLines(String method, String path) {
        String line = method + " " + path + " HTTP/1.1";
        var many = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            many.append(i == 0 ? "" : "\r\n").append("X-H").append(i).append(": v");
        }
        String[][] headerSets = {
                {"X-Request-Id: abc\r\nX-Injected: yes"}, {"X-Request-Id: abc\rX-Injected: yes"},
                {"X-Test: a\nX-Injected: yes"}, {"X-Test: a", " folded: value"}, {"X-Test: a\u0000b"},
                {"NoColonHere"}, {"Bad Name: x"}, {": empty name"}, {"X-Big: " + "a".repeat(64 * 1024)},
                {"X-Request-Id: " + "a".repeat(64 * 1024)}, {"X-Huge: " + "a".repeat(1024 * 1024)}, {many.toString()},
                {"Content-Length: abc"}, {"Content-Length: -5"}, {"Content-Length: 1, 2"},
                {"Content-Length: 99999999999999999999999"}, {"Content-Length: 1", "Content-Length: 2"},
                {"Transfer-Encoding: chunked", "Content-Length: 5"}, {"Transfer-Encoding: gzip, chunked"},
                {"Transfer-Encoding: bogus"}, {"Content-Type: application/json; charset=\u00ff"},
                {"Expect: 100-continue"}, {"Host: a", "Host: b"}, {"X-Request-Id: caf\u00e9"},
                {"Content-Type: application/json", "Transfer-Encoding: chunked", "\r\nzz\r\n{}\r\n0"},
                {"Content-Type: application/json", "Transfer-Encoding: chunked", "\r\nffffffffffffffffff\r\n{}\r\n0"},
                {"Content-Type: application/json", "Transfer-Encoding: chunked", "\r\n2;ext=\"\r\n{}\r\n0"}};
        for (String[] headers : headerSets) {
            String request = line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
            if (String.join("", headers).contains("Content-Length: 5")) {
                request += "0\r\n\r\n";
            }
            // (A malformed chunked body rides in the last "header": it starts with the blank line.)
            RawHttp.Raw answer = raw.rawBytes(request.getBytes(StandardCharsets.ISO_8859_1));
            String what = method + " " + path + " with " + cut(visible(String.join(" | ", headers)));
            assertRaw(answer, what, false);
            assertNull(answer.header("X-Injected"), what + ": a header was injected");
        }
        for (String bad : new String[] {"GARBAGE", method, method + " " + path, line.replace("1.1", "9.9"),
                method + "  " + path + "  HTTP/1.1", "G\u0000T " + path + " HTTP/1.1", method + " nopath HTTP/1.1",
                method + " " + path + "\u0000 HTTP/1.1", method + " /a b HTTP/1.1", method + " /\\..\\ HTTP/1.1",
                method + " /caf\u00e9 HTTP/1.1", "A".repeat(10_000) + " " + path + " HTTP/1.1", method + " * HTTP/1.1",
                "CONNECT 127.0.0.1:22 HTTP/1.1", "TRACE " + path + " HTTP/1.1", "HTTP/1.1 200 OK", "",
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003"}) {
            assertRaw(raw.raw(bad), "request line " + cut(visible(bad)), false);
        }
        afterBatch.run();
    }

    /**
     * A body declared as 10 MiB of which only 16 KiB are sent, then one streamed in chunks: a 413
     * (or another 4xx problem, say 405) arrives without the server reading the 10 MiB.
     */
    public void tenMebibyteBody(String method, String path) {
        SlowAndHugeRequests.tenMebibyteBody(port, method, path);
        answers += 2;
        afterBatch.run();
    }

    /**
     * A client sending its request headers one byte a second: meanwhile {@code others} are served
     * (one GET of each path a second, each a 2xx), and the server cuts the slow one off by itself
     * (sun.net.httpserver.maxReqTime, 10 s) well before 14 s.
     */
    public void slowClient(String path, String... others) {
        SlowAndHugeRequests.slowClient(port, http, path, others);
        answers++;
        afterBatch.run();
    }

    // ---------------------------------------------------------------- assertions

    /** Asserts a 4xx {@code application/problem+json} whose status member matches, leaking nothing. */
    public static void assertHandlerProblem(int status, String contentType, String body, String what) {
        assertTrue(status >= 400 && status < 500, () -> what + ": status " + status + "; body: " + cut(body));
        assertTrue(contentType != null && contentType.startsWith("application/problem+json"),
                () -> what + ": content type " + contentType + "; body: " + cut(body));
        JsonObject problem = Json.parse(body).asObject();
        assertEquals(status, problem.getInt("status", -1), () -> what + ": " + cut(body));
        assertNoLeak(body, what);
    }

    /** Asserts the body names no exception, stack frame, JDK package or connection string. */
    public static void assertNoLeak(String body, String what) {
        String lower = body.toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) {
            assertTrue(!lower.contains(leak), () -> what + ": the body leaks '" + leak + "': " + cut(body));
        }
    }

    /**
     * A raw answer: closed, the JDK's own plain 400, a 4xx problem, or (when {@code mustRefuse} is
     * false) any other answer below 500; never a leak.
     */
    private void assertRaw(RawHttp.Raw answer, String what, boolean mustRefuse) {
        answers++;
        if (answer.status() == 0) {
            return;
        }
        String type = answer.header("Content-Type");
        boolean problem = type != null && type.startsWith("application/problem+json");
        boolean jdkRefusal = answer.status() >= 400 && answer.status() < 500 || answer.status() == 501;
        if (!problem && jdkRefusal && answer.body().startsWith(JDK_REFUSAL)) {
            // The JDK's own refusal, before any handler (a 4xx, or 501 for an unknown transfer
            // coding as RFC 9112 asks): its text may name an exception class
            // ("NumberFormatException thrown"), which no handler can change.
            assertNoLeak(answer.body().replace("Exception thrown", "thrown"), what);
            return;
        }
        assertTrue(answer.status() < 500, () -> what + ": status " + answer.status() + "; body: " + cut(answer.body()));
        assertNoLeak(answer.body(), what);
        if (mustRefuse || answer.status() >= 400) {
            assertHandlerProblem(answer.status(), type, answer.body(), what);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The text cut to 200 characters for messages. */
    static String cut(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** Control characters made visible for messages. */
    static String visible(String text) {
        var out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.append(Character.toChars(c));
            }
        });
        return out.toString();
    }
}
