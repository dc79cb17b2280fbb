package dev.desafios.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small immutable list of response headers. */
public record Headers(Map<String, String> values) {

    /** No headers. */
    public static Headers empty() {
        return new Headers(Map.of());
    }

    /** One header. */
    public static Headers of(String name, String value) {
        return new Headers(Map.of(name, value));
    }

    /** These headers plus one more. */
    public Headers with(String name, String value) {
        var copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new Headers(Map.copyOf(copy));
    }
}
