package dev.desafios.api;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Request;
import dev.desafios.common.Response;
import java.time.Instant;

/**
 * {@code GET /} greets and counts the visit; {@code GET /visits} reports the count. A HEAD of
 * {@code /} is answered without counting: a visit is a GET, and a HEAD must not change anything
 * (RFC 9110, safe methods).
 */
final class ApiHandlers {
    private static final int MAX_USER_AGENT = 512;

    private final VisitStore store;
    private final String hostname;

    ApiHandlers(VisitStore store, String hostname) {
        this.store = store;
        this.hostname = hostname;
    }

    Response hello(Request request) {
        var access = new VisitStore.Access(request.path(), request.clientAddress(),
                truncate(request.header("User-Agent")), request.requestId());
        var body = new JsonObject()
                .add("message", "Hello from svc-api")
                .add("hostname", hostname)
                .add("time", Instant.now().toString());
        if (!request.method().equals("HEAD")) {
            store.record(access).forEach(member -> body.add(member.getName(), member.getValue()));
        }
        return Response.ok(body);
    }

    Response visits(Request request) {
        return Response.ok(store.summary());
    }

    private static String truncate(String userAgent) {
        if (userAgent == null) {
            return "";
        }
        return userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
    }
}
