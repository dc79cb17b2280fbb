package dev.desafios.common.testing;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The hostile JSON bodies of {@link BadInput}, derived from one valid object: malformed, the wrong
 * shape or types, odd text, invalid UTF-8, and content types, codings and charsets no service reads.
 */
final class HostileBodies {
    private HostileBodies() {
    }

    /**
     * One hostile body: a name for messages, the content type (null: none), the bytes, and whether a
     * service may accept it (a strange but valid value) rather than refuse it with a 4xx; sent with
     * {@code contentEncoding} as its Content-Encoding when that is not null.
     */
    record Body(String name, String contentType, byte[] bytes, boolean mayBeAccepted, String contentEncoding) {
        Body(String name, String contentType, byte[] bytes, boolean mayBeAccepted) {
            this(name, contentType, bytes, mayBeAccepted, null);
        }

        static Body json(String name, String text) {
            return new Body(name, "application/json", text.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    /**
     * Hostile bodies derived from one valid JSON object: malformed, truncated, deeply nested, not an
     * object, empty, unknown and duplicate fields, each field with a wrong type, a huge number, a
     * 100 KB string, unicode and control characters, invalid UTF-8, and the valid body under wrong
     * content types.
     */
    static List<Body> of(JsonObject valid) {
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
                bodies.add(new Body(field + " unicode/control " + BadInput.visible(odd), "application/json",
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
            bodies.add(new Body("content type " + BadInput.visible(type), type, text.getBytes(StandardCharsets.UTF_8), false));
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

    private static JsonObject with(JsonObject valid, String field, JsonValue value) {
        return new JsonObject(valid).set(field, value);
    }

    /** The valid text with one field's value replaced by raw JSON text (which may not be JSON at all). */
    static String replace(JsonObject valid, String field, String rawValue) {
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
}
