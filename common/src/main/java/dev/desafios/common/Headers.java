package dev.desafios.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small immutable list of response headers. A name may carry several values, each sent as a
 * line of its own: several {@code Set-Cookie} must never be folded into one (RFC 9110 section 5.3).
 */
public record Headers(Map<String, List<String>> lists) {

    /** No headers. */
    public static Headers empty() {
        return new Headers(Map.of());
    }

    /** One header. */
    public static Headers of(String name, String value) {
        return new Headers(Map.of(name, List.of(value)));
    }

    /** These headers plus one more, replacing any of that name. */
    public Headers with(String name, String value) {
        var copy = new LinkedHashMap<>(lists);
        copy.put(name, List.of(value));
        return new Headers(Map.copyOf(copy));
    }

    /** The first value of each name. */
    public Map<String, String> values() {
        var first = new LinkedHashMap<String, String>();
        lists.forEach((name, list) -> first.put(name, list.get(0)));
        return first;
    }
}
