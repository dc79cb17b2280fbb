package dev.desafios.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler says about its request for the router to record once it is answered: the route
 * it is counted under, and the fields it adds to the access line; and the memory it holds. One per request, made by the
 * router (the JDK's exchange attributes are shared by every exchange of a context, so they cannot
 * carry it).
 */
final class RequestState {
    String route = Router.UNMATCHED;
    /** The memory its body and answer hold ({@link MemoryBudget}), given back once it is answered. */
    final MemoryBudget.Reservation memory = MemoryBudget.SHARED.reservation();
    private Map<String, Object> fields;

    /** The access line's added fields, made on first use (most requests add none). */
    Map<String, Object> fields() {
        if (fields == null) {
            fields = new LinkedHashMap<>();
        }
        return fields;
    }

    /** The added fields, or an empty map when none were. */
    Map<String, Object> peekFields() {
        return fields == null ? Map.of() : fields;
    }
}
