package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies through a real server: strict JSON, its fields and their types. */
class RequestBodyJsonTest extends RequestBodyFixture {
    @Test
    void body_validObject_201WithLocation() {
        HttpResponse<String> response = http.postJson("/things", "{\"name\":\"caf\u00e9 \u2615\",\"count\":3}");

        JsonObject body = json(response, 201);
        assertEquals("/things/1", response.headers().firstValue("Location").orElse(null));
        assertEquals("caf\u00e9 \u2615", body.getString("name", null));
        assertEquals(3, body.getLong("count", -1));
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
}
