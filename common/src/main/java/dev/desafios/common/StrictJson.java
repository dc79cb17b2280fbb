package dev.desafios.common;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

/** Strict reading of request bodies with minimal-json: every mistake is a 400 {@link Problem}. */
public final class StrictJson {
    /** Deeper documents are refused before parsing: the parser is recursive. */
    static final int MAX_DEPTH = 32;

    private StrictJson() {
    }

    /** The longest number a field takes, in characters (a long, a sign, a fraction, an exponent). */
    static final int MAX_NUMBER_CHARS = 40;

    /** Parses a body that must be one JSON object with only the given field names, each at most once. */
    public static JsonObject object(String body, Set<String> allowedFields) {
        if (body.isBlank()) {
            throw Problem.badRequest("the request body is empty; expected a JSON object");
        }
        checkDepth(body);
        JsonValue value;
        try {
            value = Json.parse(body);
        } catch (ParseException e) {
            throw Problem.badRequest("malformed JSON at line " + e.getLocation().line
                    + ", column " + e.getLocation().column);
        }
        if (!value.isObject()) {
            throw Problem.badRequest("expected a JSON object");
        }
        JsonObject object = value.asObject();
        var seen = new HashSet<String>();
        for (String name : object.names()) {
            if (!allowedFields.contains(name)) {
                throw Problem.badRequest("unknown field " + Problem.quote(name) + "; allowed: " + allowedFields);
            }
            if (!seen.add(name)) {
                throw Problem.badRequest("field " + Problem.quote(name) + " appears twice");
            }
        }
        return object;
    }

    /**
     * A required string field, refused when it is not Unicode text: JSON escapes can spell a lone
     * surrogate ({@code "\\ud800"}), which no UTF-8 writer (a response, a database, a log) can keep;
     * each would store or send it as {@code ?}, so it is refused here, for every service, once.
     */
    public static String string(JsonObject object, String name) {
        JsonValue value = required(object, name);
        if (!value.isString()) {
            throw Problem.badRequest("field '" + name + "' must be a string");
        }
        String text = value.asString();
        if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
            throw Problem.badRequest("field '" + name + "' must be valid Unicode: it has a lone surrogate"
                    + " (such as \\ud800), which cannot be stored");
        }
        return text;
    }

    /** An optional string field, or the default when absent or {@code null}. */
    public static String string(JsonObject object, String name, String otherwise) {
        return absent(object, name) ? otherwise : string(object, name);
    }

    /**
     * True when an optional field is missing or JSON {@code null}: both say "none", so every
     * optional field of every service takes either the same way.
     */
    public static boolean absent(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value == null || value.isNull();
    }

    /** A required whole-number field within [min, max]. */
    public static long whole(JsonObject object, String name, long min, long max) {
        JsonValue value = required(object, name);
        if (!value.isNumber()) {
            throw Problem.badRequest("field '" + name + "' must be a number");
        }
        String text = value.toString();
        // A long has 19 digits: a longer number is out of range, and turning thousands of digits
        // into a BigDecimal and stripping its zeros costs CPU that grows with their square.
        if (text.length() > MAX_NUMBER_CHARS) {
            throw Problem.badRequest("field '" + name + "' must be from " + min + " to " + max);
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException exponentOverflow) {
            // JSON allows exponents (1e9999999999) that BigDecimal cannot hold.
            throw Problem.badRequest("field '" + name + "' must be from " + min + " to " + max);
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw Problem.badRequest("field '" + name + "' must be a whole number");
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw Problem.badRequest("field '" + name + "' must be from " + min + " to " + max);
        }
        return number.longValueExact();
    }

    /** A required decimal given as a JSON number or a numeric string (money). */
    public static BigDecimal decimal(JsonObject object, String name) {
        JsonValue value = required(object, name);
        String text;
        if (value.isNumber()) {
            text = value.toString();
        } else if (value.isString()) {
            text = value.asString().strip();
        } else {
            throw Problem.badRequest("field '" + name + "' must be a number or a numeric string");
        }
        if (text.length() > MAX_NUMBER_CHARS || !text.matches("-?[0-9]+(\\.[0-9]+)?")) {
            throw Problem.badRequest("field '" + name + "' must be a plain decimal such as 19.99");
        }
        return new BigDecimal(text);
    }

    /** A required field's value; a JSON {@code null} is refused by name, so "required" is not all a client reads. */
    private static JsonValue required(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null) {
            throw Problem.badRequest("field '" + name + "' is required");
        }
        if (value.isNull()) {
            throw Problem.badRequest("field '" + name + "' is null; it is required and must have a value");
        }
        return value;
    }

    /** Refuses documents nested deeper than {@link #MAX_DEPTH}, counting brackets outside strings. */
    static void checkDepth(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw Problem.badRequest("JSON nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }
}
