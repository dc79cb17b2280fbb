package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code GET /health}: 200 UP when every named check passes, else 503 DOWN naming the failing ones. */
public final class Health {
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    /** Adds a named dependency check; it must answer within its own timeout. */
    public Health check(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    /** The handler for {@code GET /health}. */
    public Response handle(Request request) {
        var results = new JsonObject();
        boolean up = true;
        for (var entry : checks.entrySet()) {
            boolean ok;
            try {
                ok = entry.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            results.add(entry.getKey(), ok ? "UP" : "DOWN");
            up &= ok;
        }
        return Response.json(up ? 200 : 503, new JsonObject().add("status", up ? "UP" : "DOWN").add("checks", results));
    }
}
