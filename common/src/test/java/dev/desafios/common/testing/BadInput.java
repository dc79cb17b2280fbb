package dev.desafios.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

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
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int TEN_MIB = 10 * 1024 * 1024;
    /** How the JDK's HttpServer begins the body of a request it refuses itself. */
    private static final String JDK_REFUSAL = "<h1>";

    /**
     * One hostile body: a name for messages, the content type (null: none), the bytes, and whether a
     * service may accept it (a strange but valid value) rather than refuse it with a 4xx; sent with
     * {@code contentEncoding} as its Content-Encoding when that is not null.
     */
    public record Body(String name, String contentType, byte[] bytes, boolean mayBeAccepted, String contentEncoding) {
        Body(String name, String contentType, byte[] bytes, boolean mayBeAccepted) {
            this(name, contentType, bytes, mayBeAccepted, null);
        }

        static Body json(String name, String text) {
            return new Body(name, "application/json", text.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    /** One raw answer: status (0 when the server closed without answering), lower-case headers, body. */
    public record Raw(int status, Map<String, String> headers, String body) {
        /** A header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int port;
    private final Runnable afterBatch;
    private final TestHttp http;
    private int answers;

    /** A suite against the server on this port; {@code afterBatch} asserts health and that nothing was lost. */
    public BadInput(int port, Runnable afterBatch) {
        this.port = port;
        this.afterBatch = afterBatch;
        this.http = new TestHttp(port);
    }

    /** How many hostile requests got an answer (or a closed connection) so far. */
    public int answers() {
        return answers;
    }

    // ---------------------------------------------------------------- tables

    /**
     * Hostile bodies derived from one valid JSON object: malformed, truncated, deeply nested, not an
     * object, empty, unknown and duplicate fields, each field with a wrong type, a huge number, a
     * 100 KB string, unicode and control characters, invalid UTF-8, and the valid body under wrong
     * content types.
     */
    public static List<Body> bodies(JsonObject valid) {
        String text = valid.toString();
        var bodies = new ArrayList<Body>();
        for (String malformed : new String[] {"{", "}", "{\"a\":", "{\"a\":1,}", "{a:1}", "{'a':1}", "not json",
                "nul", "{\"a\":\"unterminated}", "{\"a\":1}}", text + " trailing", text + text, "0x10", "NaN",
                "Infinity", "-", "1.", "{\"a\"\u0000:1}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\x41\"}", "\u0000"}) {
            bodies.add(Body.json("malformed " + malformed, malformed));
        }
        for (int cut : new int[] {1, text.length() / 2, text.length() - 1}) {
            bodies.add(Body.json("truncated at " + cut, text.substring(0, cut)));
        }
        for (String other : new String[] {"[]", "[" + text + "]", "\"text\"", "123", "true", "null"}) {
            bodies.add(Body.json("not an object " + other, other));
        }
        bodies.add(Body.json("10 000 [", "[".repeat(10_000)));
        bodies.add(Body.json("10 000 {\"a\":", "{\"a\":".repeat(10_000)));
        bodies.add(Body.json("balanced 10 000 [ in a field",
                "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
        for (String empty : new String[] {"", " ", "\r\n\t", "\uFEFF"}) {
            bodies.add(Body.json("empty " + empty.length(), empty));
        }
        bodies.add(Body.json("unknown field", with(valid, "unknownField", Json.value(1)).toString()));
        bodies.add(Body.json("__proto__ field", with(valid, "__proto__", Json.object()).toString()));
        bodies.add(Body.json("id field", with(valid, "id", Json.value(1)).toString()));
        String first = valid.names().get(0);
        bodies.add(Body.json("duplicate field", text.substring(0, text.length() - 1)
                + ",\"" + first + "\":" + valid.get(first) + "}"));
        for (String field : valid.names()) {
            JsonValue original = valid.get(field);
            // (null is not here: it means what an absent field means, which nullsAsAbsent checks.)
            var wrong = new ArrayList<>(List.of("true", "false", "[]", "[1]", "{}", "{\"a\":1}",
                    "1e999999", "-1e999999", "1e-999999", "1180591620717411303424", "-1180591620717411303424",
                    "1180591620717411303424.5", "123456789012345678901234567890e123456789"));
            if (!original.isString()) {
                wrong.add("\"abc\"");
            }
            for (String value : wrong) {
                bodies.add(Body.json(field + "=" + value, replace(valid, field, value)));
            }
            // A number where the example has a string: wrong for text, but money takes both.
            bodies.add(new Body(field + "=5 or \"5\"", "application/json", replace(valid, field,
                    original.isString() ? "5" : "\"5\"").getBytes(StandardCharsets.UTF_8), true));
            bodies.add(Body.json(field + "=100 KB string",
                    with(valid, field, Json.value("x".repeat(100 * 1024))).toString()));
            for (String odd : new String[] {"caf\u00e9 \u65e5\u672c \ud83d\ude00", "\u202eevil", "a\u0000b", "\u001b[31m",
                    "line\r\nX-Injected: yes", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:ldap://x/a}",
                    "%00%2e%2e", "\\ud800"}) {
                String json = with(valid, field, Json.value(odd)).toString();
                if (odd.equals("\\ud800")) {
                    json = replace(valid, field, "\"\\ud800\"");
                }
                // Strange but valid text may be stored; a lone surrogate is no text at all and never is.
                bodies.add(new Body(field + " unicode/control " + visible(odd), "application/json",
                        json.getBytes(StandardCharsets.UTF_8), !odd.equals("\\ud800")));
            }
            for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}}) {
                var out = new ByteArrayOutputStream();
                String marker = "@@";
                String json = with(valid, field, Json.value(marker)).toString();
                int at = json.indexOf(marker);
                out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(bad);
                out.writeBytes(json.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
                bodies.add(new Body(field + " invalid UTF-8 " + bad.length, "application/json", out.toByteArray(), false));
            }
        }
        for (String type : new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "", "*/*",
                "json", "application/json, text/plain"}) {
            bodies.add(new Body("content type " + visible(type), type, text.getBytes(StandardCharsets.UTF_8), false));
        }
        bodies.add(new Body("no content type", null, text.getBytes(StandardCharsets.UTF_8), false));
        bodies.add(new Body("content type APPLICATION/JSON", "APPLICATION/JSON", text.getBytes(StandardCharsets.UTF_8), true));
        bodies.add(new Body("utf-16 body", "application/json", text.getBytes(StandardCharsets.UTF_16), false));
        bodies.addAll(codingsAndCharsets(text));
        return bodies;
    }

    /**
     * The valid body under content codings and charsets no service decodes (each must be refused,
     * never stored as if it were plain UTF-8), and under the identity coding and a utf-8 charset
     * written in other ways (which may be accepted).
     */
    static List<Body> codingsAndCharsets(String text) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        var bodies = new ArrayList<Body>();
        for (String coding : new String[] {"gzip", "GZIP", "x-gzip", "deflate", "br", "zstd", "compress",
                "identity, gzip", "gzip, identity", "aes128gcm", "bogus"}) {
            bodies.add(new Body("coding " + coding + " on a plain body", "application/json", plain, false, coding));
        }
        bodies.add(new Body("coding gzip on a gzip body", "application/json", gzip(plain), false, "gzip"));
        for (String coding : new String[] {"identity", "Identity", ""}) {
            bodies.add(new Body("coding '" + coding + "'", "application/json", plain, true, coding));
        }
        for (String charset : new String[] {"utf-16", "UTF-16LE", "\"utf-16\"", "iso-8859-1", "latin1", "us-ascii",
                "utf8", "utf-32", "windows-1252", "\"\"", "utf-8x"}) {
            bodies.add(new Body("charset " + charset, "application/json; charset=" + charset, plain, false));
        }
        bodies.add(new Body("charset utf-16 on a utf-16 body", "application/json; charset=utf-16",
                text.getBytes(StandardCharsets.UTF_16), false));
        bodies.add(new Body("charset utf-8 then utf-16", "application/json; charset=utf-8; charset=utf-16", plain, false));
        for (String charset : new String[] {"utf-8", "UTF-8", "\"utf-8\"", "\"UTF-8\""}) {
            bodies.add(new Body("charset " + charset, "application/json; charset=" + charset, plain, true));
        }
        return bodies;
    }

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
        for (Body body : bodies(valid)) {
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
            HttpResponse<String> nul = send(method, path, Body.json(what, replace(valid, field, "null")));
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
            assertRaw(raw(method + " " + target + " HTTP/1.1"), method + " " + cut(target), true);
        }
        afterBatch.run();
    }

    /** Sends each target raw with this method: anything but a 5xx (odd queries may be ignored), no leaks. */
    public void queries(String method, List<String> targets) {
        for (String target : targets) {
            assertRaw(raw(method + " " + target + " HTTP/1.1"), method + " " + cut(target), false);
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
            Raw answer = rawBytes(request.getBytes(StandardCharsets.ISO_8859_1));
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
            assertRaw(raw(bad), "request line " + cut(visible(bad)), false);
        }
        afterBatch.run();
    }

    /**
     * A body declared as 10 MiB of which only 16 KiB are sent, then one streamed in chunks: a 413
     * (or another 4xx problem, say 405) arrives without the server reading the 10 MiB.
     */
    public void tenMebibyteBody(String method, String path) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((head + "Content-Length: " + TEN_MIB + "\r\n\r\n{\"a\":\"").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[16 * 1024]);
            out.flush();
            long start = System.nanoTime();
            Raw answer = read(socket.getInputStream());
            String what = method + " " + path + " declaring 10 MiB";
            assertHandlerProblem(answer.status(), answer.header("Content-Type"), answer.body(), what);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, what + ": answered late");
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " declaring 10 MiB: " + e, e);
        }
        answers++;
        var written = new AtomicLong();
        // Not a try-with-resources: the socket is closed early, to stop the writer.
        var socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (written.get() < TEN_MIB) {
                        out.write(chunk);
                        written.addAndGet(0x10000);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException stopped) {
                    // the server refused the rest, as it should
                }
            });
            Raw answer = read(socket.getInputStream());
            long sent = written.get();
            socket.close();
            writer.join(READ_TIMEOUT);
            String what = method + " " + path + " streaming 10 MiB";
            assertHandlerProblem(answer.status(), answer.header("Content-Type"), answer.body(), what);
            assertTrue(sent < TEN_MIB, what + ": the server read all " + sent + " bytes before answering");
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " streaming 10 MiB: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        answers++;
        afterBatch.run();
    }

    /**
     * A client sending its request headers one byte a second: meanwhile {@code others} are served
     * (one GET of each path a second, each a 2xx), and the server cuts the slow one off by itself
     * (sun.net.httpserver.maxReqTime, 10 s) well before 14 s.
     */
    public void slowClient(String path, String... others) {
        long start = System.nanoTime();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(500);
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(100) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int served = 0;
            for (int i = 0; i < request.length; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                } catch (IOException cutOff) {
                    break;
                }
                for (String other : others) {
                    int status = http.get(other).statusCode();
                    assertTrue(status >= 200 && status < 300, "GET " + other + " while a client is slow: " + status);
                    served++;
                }
                if (closedWithin(in, Duration.ofSeconds(1))) {
                    break;
                }
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 14,
                        "the slow client was not cut off after " + (i + 1) + " bytes");
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds >= 5 && seconds < 14, "cut off after " + seconds + " s");
            assertTrue(served >= 5 * others.length, "others served meanwhile: " + served);
        } catch (IOException e) {
            throw new AssertionError("slow client: " + e, e);
        }
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
    private void assertRaw(Raw answer, String what, boolean mustRefuse) {
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

    // ---------------------------------------------------------------- raw HTTP

    /** Sends a request line, a Host and {@code Connection: close}, and reads the answer. */
    public Raw raw(String requestLine) {
        return rawBytes((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends the bytes exactly and reads the answer (status 0 when the server closes or resets without one). */
    public Raw rawBytes(byte[] request) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before reading it all: read what it said
            }
            return read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            String text = new String(request, StandardCharsets.ISO_8859_1);
            throw new AssertionError("no answer within " + READ_TIMEOUT + " to " + visible(text)
                    + (text.length() > 80 ? " ... " + visible(text.substring(text.length() - 80)) : ""), e);
        } catch (IOException reset) {
            return new Raw(0, Map.of(), "");
        }
    }

    private static Raw read(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        if (head.size() == 0) {
            return new Raw(0, Map.of(), "");
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).strip().split("\r\n");
        var headers = new HashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        String length = headers.get("content-length");
        byte[] body;
        try {
            body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        } catch (IOException resetAfterAnswer) {
            body = new byte[0];
        }
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server closed or reset the connection within the wait; fails if it answered something. */
    private static boolean closedWithin(InputStream in, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            try {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                // An answer to a request never finished: acceptable only as a refusal.
                var rest = new ByteArrayOutputStream();
                rest.write(b);
                rest.writeBytes(in.readNBytes(12));
                String start = rest.toString(StandardCharsets.ISO_8859_1);
                assertTrue(start.startsWith("HTTP/1.1 4"), "the slow client got: " + start);
                return true;
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject with(JsonObject valid, String field, JsonValue value) {
        return new JsonObject(valid).set(field, value);
    }

    /** The valid text with one field's value replaced by raw JSON text (which may not be JSON at all). */
    private static String replace(JsonObject valid, String field, String rawValue) {
        String marker = "\"@@marker@@\"";
        String json = with(valid, field, Json.value("@@marker@@")).toString();
        return json.replace(marker, rawValue);
    }

    private static byte[] gzip(byte[] plain) {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String cut(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** Control characters made visible for messages. */
    private static String visible(String text) {
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
