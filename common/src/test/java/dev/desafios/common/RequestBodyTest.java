package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.testing.BadInput;
import dev.desafios.common.testing.TestHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request bodies through a real server: limits, content type and strict JSON. */
class RequestBodyTest {
    private static final int LIMIT = 16 * 1024;

    private final AtomicInteger accepted = new AtomicInteger();
    private Server server;
    private TestHttp http;

    @BeforeEach
    void start() {
        var router = new Router(LIMIT)
                .post("/things", request -> {
                    JsonObject json = request.jsonBody(Set.of("name", "count", "note"));
                    String name = StrictJson.string(json, "name");
                    long count = StrictJson.whole(json, "count", 0, 1000);
                    String note = StrictJson.string(json, "note", "none");
                    accepted.incrementAndGet();
                    return Response.created("/things/1",
                            new JsonObject().add("name", name).add("count", count).add("note", note));
                })
                .get("/things", request -> Response.ok(new JsonObject().add("accepted", accepted.get())));
        server = Server.start(0, router);
        http = new TestHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
        http.close();
    }

    @Test
    void body_validObject_201WithLocation() {
        HttpResponse<String> response = http.postJson("/things", "{\"name\":\"caf\u00e9 \u2615\",\"count\":3}");

        JsonObject body = json(response, 201);
        assertEquals("/things/1", response.headers().firstValue("Location").orElse(null));
        assertEquals("caf\u00e9 \u2615", body.getString("name", null));
        assertEquals(3, body.getLong("count", -1));
    }

    /** The 413 leaves before the exchange closes: closing drains the unread body, which this client never sends. */
    @Test
    void body_declaredTenMebibytesOnlyPartSent_413AtOnce() {
        var fuzz = new BadInput(server.port(), () -> assertEquals(200, http.get("/things").statusCode()));

        fuzz.tenMebibyteBody("POST", "/things");
    }

    @Test
    void body_exactlyAtLimit_accepted() {
        String head = "{\"name\":\"";
        String tail = "\",\"count\":1}";
        String json = head + "x".repeat(LIMIT - head.length() - tail.length()) + tail;
        assertEquals(LIMIT, json.getBytes(StandardCharsets.UTF_8).length);

        json(http.postJson("/things", json), 201);
    }

    @Test
    void body_contentLengthOverLimit_413AndNothingAccepted() {
        String json = "{\"name\":\"" + "x".repeat(LIMIT) + "\",\"count\":1}";

        HttpResponse<String> response = http.postJson("/things", json);

        assertEquals("Content Too Large", problem(response, 413).getString("title", null));
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_chunkedOverLimit_413AndNothingAccepted() {
        byte[] json = ("{\"name\":\"" + "x".repeat(LIMIT) + "\",\"count\":1}").getBytes(StandardCharsets.UTF_8);
        // A stream of unknown length goes out chunked, without Content-Length.
        var chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json));

        HttpResponse<String> response = http.post("/things", "application/json", chunked);

        problem(response, 413);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_chunkedWithinLimit_accepted() {
        byte[] json = "{\"name\":\"n\",\"count\":1}".getBytes(StandardCharsets.UTF_8);

        json(http.post("/things", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json))), 201);
    }

    @Test
    void body_wrongContentType_415() {
        String json = "{\"name\":\"n\",\"count\":1}";

        problem(http.post("/things", "text/plain", BodyPublishers.ofString(json)), 415);
        problem(http.post("/things", "application/jsonx", BodyPublishers.ofString(json)), 415);
        problem(http.post("/things", null, BodyPublishers.ofString(json)), 415);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentTypeWithCharset_accepted() {
        json(http.post("/things", "Application/JSON; charset=UTF-8",
                BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 201);
    }

    @Test
    void body_charsetUtf8QuotedOrAmongOtherParameters_accepted() {
        for (String type : new String[] {"application/json;charset=\"utf-8\"", "application/json; v=1; CHARSET=Utf-8",
                "application/json; charset=utf-8 ", "application/json; x=\"a;charset=utf-16\"; charset=utf-8"}) {
            json(http.post("/things", type, BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 201);
        }
    }

    /** UTF-16 read as UTF-8 would be garbage or a 400 about bytes the client never got wrong: 415 names the charset. */
    @Test
    void body_charsetOtherThanUtf8_415NamingIt() {
        String json = "{\"name\":\"n\",\"count\":1}";
        for (String charset : new String[] {"utf-16", "UTF-16LE", "\"utf-16\"", "iso-8859-1", "us-ascii", "utf8", "\"\""}) {
            JsonObject problem = problem(http.post("/things", "application/json; charset=" + charset,
                    BodyPublishers.ofString(json, StandardCharsets.UTF_16)), 415);

            String named = charset.replace("\"", "");
            assertTrue(problem.getString("detail", "").contains("'" + named + "'"), problem.toString());
        }
        problem(http.post("/things", "application/json; charset=utf-8; charset=utf-16", BodyPublishers.ofString(json)), 415);
        assertNothingAcceptedAndStillServing();
    }

    /** A gzip body stored as text would be garbage under a 201: 415, naming the coding, with Accept-Encoding. */
    @Test
    void body_contentEncodingOtherThanIdentity_415NamingItWithAcceptEncoding() {
        String json = "{\"name\":\"n\",\"count\":1}";
        for (String coding : new String[] {"gzip", "GZIP", "br", "deflate", "identity, gzip", " , x-custom"}) {
            HttpResponse<String> response = http.send(http.request("/things")
                    .POST(BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding));

            JsonObject problem = problem(response, 415);
            String named = coding.substring(coding.lastIndexOf(',') + 1).strip();
            assertTrue(problem.getString("detail", "").contains("'" + named + "'"), problem.toString());
            assertEquals("identity", response.headers().firstValue("Accept-Encoding").orElse(null), coding);
        }
        assertNothingAcceptedAndStillServing();
    }

    /** One line checked and the body read as another would be a way round the 415s: two lines are a 400. */
    @Test
    void body_twoContentTypeLines_400NothingAccepted() {
        for (String second : new String[] {"application/json; charset=iso-8859-1", "text/plain", "application/json"}) {
            HttpResponse<String> response = http.send(http.request("/things")
                    .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                    .header("Content-Type", "application/json")
                    .header("Content-Type", second));

            JsonObject problem = problem(response, 400);
            assertTrue(problem.getString("detail", "").contains("Content-Type"), problem.toString());
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_charsetWithoutValueOrInExtendedForm_415() {
        for (String type : new String[] {"application/json; charset", "application/json; CHARSET ; v=1",
                "application/json; charset*=utf-16", "application/json; Charset*=UTF-8''"}) {
            problem(http.post("/things", type, BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 415);
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentEncodingOnSecondLine_415() {
        HttpResponse<String> response = http.send(http.request("/things")
                .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .header("Content-Encoding", "gzip"));

        problem(response, 415);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentEncodingIdentity_accepted() {
        for (String coding : new String[] {"identity", "IDENTITY", "identity, identity"}) {
            json(http.send(http.request("/things")
                    .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding)), 201);
        }
    }

    @Test
    void body_optionalFieldNull_sameAsAbsent() {
        JsonObject withNull = json(http.postJson("/things", "{\"name\":\"n\",\"count\":1,\"note\":null}"), 201);
        JsonObject without = json(http.postJson("/things", "{\"name\":\"n\",\"count\":1}"), 201);

        assertEquals("none", withNull.getString("note", null));
        assertEquals(without, withNull);
    }

    @Test
    void body_requiredFieldNull_400SayingNull() {
        for (String body : new String[] {"{\"name\":null,\"count\":1}", "{\"name\":\"n\",\"count\":null}"}) {
            String detail = problem(http.postJson("/things", body), 400).getString("detail", "");

            assertTrue(detail.contains("null") && detail.contains("required"), detail);
        }
        String missing = problem(http.postJson("/things", "{\"count\":1}"), 400).getString("detail", "");
        assertEquals("field 'name' is required", missing);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_empty_400() {
        problem(http.postJson("/things", ""), 400);
        problem(http.postJson("/things", "  \n"), 400);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_malformedJson_400() {
        for (String bad : new String[] {"{", "{\"name\":", "{\"name\":\"n\",}", "{'name':'n'}", "nope",
                "{\"name\":\"n\",\"count\":1} trailing", "{\"name\":\"unterminated}"}) {
            String detail = problem(http.postJson("/things", bad), 400).getString("detail", "");
            assertTrue(!detail.isBlank(), bad);
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_notAnObject_400() {
        problem(http.postJson("/things", "[]"), 400);
        problem(http.postJson("/things", "\"text\""), 400);
        problem(http.postJson("/things", "null"), 400);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_tenThousandOpenBrackets_400NotStackOverflow() {
        problem(http.postJson("/things", "[".repeat(10_000)), 400);
        problem(http.postJson("/things", "{\"name\":" + "{\"a\":".repeat(3_000)), 400);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_bracketsInsideStrings_notCountedAsNesting() {
        String name = "[{".repeat(50) + "\\\"]";

        json(http.postJson("/things", "{\"name\":\"" + name + "\",\"count\":1}"), 201);
    }

    @Test
    void body_unknownField_400NamingIt() {
        JsonObject problem = problem(http.postJson("/things", "{\"name\":\"n\",\"count\":1,\"admin\":true}"), 400);

        assertTrue(problem.getString("detail", "").contains("admin"), problem.toString());
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_duplicateField_400() {
        JsonObject problem = problem(http.postJson("/things", "{\"name\":\"a\",\"name\":\"b\",\"count\":1}"), 400);

        assertTrue(problem.getString("detail", "").contains("name"), problem.toString());
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_wrongTypes_400() {
        for (String bad : new String[] {
                "{\"name\":5,\"count\":1}", "{\"name\":[\"n\"],\"count\":1}", "{\"name\":\"n\",\"count\":\"1\"}",
                "{\"name\":\"n\",\"count\":true}", "{\"name\":\"n\",\"count\":1.5}", "{\"name\":\"n\",\"count\":{}}",
                "{\"name\":null,\"count\":1}", "{\"count\":1}", "{\"name\":\"n\"}"}) {
            problem(http.postJson("/things", bad), 400);
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_hugeNumbers_400() {
        for (String number : new String[] {"1001", "-1", "99999999999999999999999999999", "1e999999999",
                "1e9999999999", "-1e9999999999", "1e-9999999999", "0." + "0".repeat(5000) + "1",
                "1" + "0".repeat(10_000)}) {
            problem(http.postJson("/things", "{\"name\":\"n\",\"count\":" + number + "}"), 400);
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_wholeNumberWrittenWithExponent_accepted() {
        assertEquals(100, json(http.postJson("/things", "{\"name\":\"n\",\"count\":1e2}"), 201).getLong("count", -1));
    }

    @Test
    void body_invalidUtf8_400() {
        byte[] start = "{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\",\"count\":1}".getBytes(StandardCharsets.US_ASCII);
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] body = new byte[start.length + bad.length + end.length];
            System.arraycopy(start, 0, body, 0, start.length);
            System.arraycopy(bad, 0, body, start.length, bad.length);
            System.arraycopy(end, 0, body, start.length + bad.length, end.length);

            JsonObject problem = problem(http.post("/things", "application/json", BodyPublishers.ofByteArray(body)), 400);

            assertTrue(problem.getString("detail", "").contains("UTF-8"), problem.toString());
        }
        assertNothingAcceptedAndStillServing();
    }

    private void assertNothingAcceptedAndStillServing() {
        assertEquals(0, json(http.get("/things"), 200).getInt("accepted", -1));
    }
}
