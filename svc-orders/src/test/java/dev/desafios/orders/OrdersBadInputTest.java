package dev.desafios.orders;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Bad input to POST /orders: always a 400-range problem, decided before any call to users,
 * nothing stored, and the service stays healthy.
 */
class OrdersBadInputTest extends OrdersServiceFixture {
    @Test
    void create_badQuantity_400() {
        for (String quantity : new String[] {"0", "-1", "1001", "1000000", "99999999999999999999", "1e9999999999",
                "-1e9999999999", "1.5", "\"3\"", "null", "true", "[3]", "{}"}) {
            assertRejected(400, orderWith("quantity", quantity));
        }
    }

    @Test
    void create_badUnitPrice_400() {
        for (String price : new String[] {"\"-0.01\"", "-1", "-0.01", "\"1000000.01\"", "1000000.01", "1e7",
                "\"1.999\"", "1.999", "0.001", "\"19.99000001\"", "\"1e3\"", "1e3", "\"abc\"", "\"\"", "\"  \"",
                "\"1,50\"", "\"$5\"", "\"NaN\"", "\"Infinity\"", "\"0x10\"", "\".5\"", "\"5.\"", "\"+5\"",
                "\"99999999999999999999999999999999999999999999\"", "1e9999999999", "true", "null", "[1]", "{}"}) {
            assertRejected(400, orderWith("unitPrice", price));
        }
    }

    @Test
    void create_badUserId_400() {
        for (String userId : new String[] {"0", "-1", "\"1\"", "1.5", "null", "true", "1e9999999999",
                "1000000000000000000", "99999999999999999999"}) {
            assertRejected(400, orderWith("userId", userId));
        }
    }

    @Test
    void create_badItem_400() {
        for (String item : new String[] {"\"\"", "\"   \"", quoted("i".repeat(201)),
                quoted("\ud83d\ude00".repeat(201)), "\"a\\u0000b\"", "\"line\\nbreak\"", "\"esc\\u001b[31m\"",
                "\"half \\ud83d\"", "5", "null", "[\"x\"]"}) {
            assertRejected(400, orderWith("item", item));
        }
    }

    @Test
    void create_missingField_400NamingIt() {
        for (String field : new String[] {"userId", "item", "quantity", "unitPrice"}) {
            var fields = valid();
            fields.remove(field);

            JsonObject problem = assertRejected(400, object(fields));

            assertTrue(problem.getString("detail", "").contains(field), problem.toString());
        }
    }

    @Test
    void create_requiredFieldNull_400SayingNull() {
        for (String field : new String[] {"userId", "item", "quantity", "unitPrice"}) {
            JsonObject problem = assertRejected(400, orderWith(field, "null"));

            assertEquals("field '" + field + "' is null; it is required and must have a value",
                    problem.getString("detail", ""));
        }
    }

    @Test
    void create_gzipOrLatin1Body_415UsersNeverAsked() {
        String body = object(valid());
        HttpResponse<String> gzip = http.send(http.request("/orders").POST(BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Content-Encoding", "x-gzip, identity"));

        assertTrue(problem(gzip, 415).getString("detail", "").contains("'x-gzip'"));
        assertEquals("identity", gzip.headers().firstValue("Accept-Encoding").orElse(null));
        JsonObject charset = problem(http.post("/orders", "application/json; charset=\"iso-8859-1\"",
                BodyPublishers.ofString(body)), 415);
        assertTrue(charset.getString("detail", "").contains("'iso-8859-1'"), charset.toString());
        assertNothingStored();
    }

    @Test
    void create_clientSetsServerFieldOrUnknownOne_400NamingIt() {
        for (String field : new String[] {"id", "createdAt", "total", "user", "userid", "discount"}) {
            var fields = valid();
            fields.put(field, "1");

            JsonObject problem = assertRejected(400, object(fields));

            assertTrue(problem.getString("detail", "").contains(field), problem.toString());
        }
    }

    @Test
    void create_malformedOrEmptyJson_400() {
        for (String body : new String[] {"", "  ", "{", "{}", "[]", "null", "not json", "{userId:1}",
                "{\"userId\":1,}", "{\"userId\":1,\"userId\":2,\"item\":\"x\",\"quantity\":1,\"unitPrice\":\"1\"}",
                "[".repeat(10_000), "{\"item\":" + "[".repeat(10_000)}) {
            assertRejected(400, body);
        }
    }

    @Test
    void create_oneMebibyteBody_413() {
        assertRejected(413, orderWith("item", quoted("x".repeat(1024 * 1024))));
    }

    @Test
    void create_oneMebibyteChunkedBody_413() {
        byte[] huge = orderWith("item", quoted("x".repeat(1024 * 1024))).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http.post("/orders", "application/json",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)));

        problem(response, 413);
        assertNothingStored();
    }

    @Test
    void create_wrongContentType_415() {
        String body = object(valid());
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "text/json"}) {
            problem(http.post("/orders", type, BodyPublishers.ofString(body)), 415);
        }
        problem(http.post("/orders", null, BodyPublishers.ofString(body)), 415);
        assertNothingStored();
    }

    @Test
    void create_longestNonAsciiItem_201() {
        String item = "\u00e9\ud83d\ude00".repeat(100);

        JsonObject order = json(http.postJson("/orders", orderWith("item", quoted(item))), 201);

        assertEquals(item, order.getString("item", null));
    }

    private static Map<String, String> valid() {
        var fields = new LinkedHashMap<String, String>();
        fields.put("userId", "1");
        fields.put("item", "\"Notebook\"");
        fields.put("quantity", "3");
        fields.put("unitPrice", "\"19.99\"");
        return fields;
    }

    /** A valid order with one field's raw JSON text replaced. */
    private static String orderWith(String field, String rawJson) {
        var fields = valid();
        fields.put(field, rawJson);
        return object(fields);
    }

    private static String object(Map<String, String> rawFields) {
        var json = new StringJoiner(",", "{", "}");
        rawFields.forEach((name, value) -> json.add("\"" + name + "\":" + value));
        return json.toString();
    }

    private static String quoted(String text) {
        return Json.value(text).toString();
    }

    /** Posts the body, asserts the problem, that users was never asked, and that nothing is stored. */
    private JsonObject assertRejected(int status, String body) {
        JsonObject problem = problem(http.postJson("/orders", body), status);
        assertNothingStored();
        return problem;
    }

    private void assertNothingStored() {
        assertEquals(0, users.received().size(), "bad input costs no call to users");
        assertEquals(0, json(http.get("/orders"), 200).get("items").asArray().size());
        assertEquals("UP", json(http.get("/health"), 200).getString("status", null));
    }
}
