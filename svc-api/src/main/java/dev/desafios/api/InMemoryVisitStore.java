package dev.desafios.api;

import com.eclipsesource.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/** Challenge 1: the count lives in this process and starts again at zero with it. */
final class InMemoryVisitStore implements VisitStore {
    private final AtomicLong visits = new AtomicLong();

    @Override
    public JsonObject record(Access access) {
        return new JsonObject().add("visits", visits.incrementAndGet());
    }

    @Override
    public JsonObject summary() {
        return new JsonObject().add("visits", visits.get());
    }
}
