package dev.desafios.common;

import com.eclipsesource.json.JsonValue;
import java.nio.charset.StandardCharsets;

/** What a handler answers: a status, headers and a body. Sent once, by the {@link Router}. */
public record Response(int status, String contentType, byte[] body, Headers headers) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";

    /** 200 with a JSON body. */
    public static Response ok(JsonValue json) {
        return json(200, json);
    }

    /** 200 with JSON already written as UTF-8 bytes (a list page written as it was read). */
    public static Response okJson(byte[] json) {
        return new Response(200, JSON, json, Headers.empty());
    }

    /** A JSON body with the given status. */
    public static Response json(int status, JsonValue json) {
        return new Response(status, JSON, json.toString().getBytes(StandardCharsets.UTF_8), Headers.empty());
    }

    /** 201 with a JSON body and the {@code Location} of what was created. */
    public static Response created(String location, JsonValue json) {
        return json(201, json).withHeader("Location", location);
    }

    /** 204, no body. */
    public static Response noContent() {
        return new Response(204, null, new byte[0], Headers.empty());
    }

    /** Raw bytes as received from an upstream (the gateway passes them through). */
    public static Response raw(int status, String contentType, byte[] body, Headers headers) {
        return new Response(status, contentType, body, headers);
    }

    /** The problem document for a failed request. */
    public static Response problem(Problem problem, String instance, String requestId) {
        byte[] body = problem.toJson(instance, requestId).toString().getBytes(StandardCharsets.UTF_8);
        return new Response(problem.status(), PROBLEM_JSON, body, problem.headers());
    }

    /** This response plus one header. */
    public Response withHeader(String name, String value) {
        return new Response(status, contentType, body, headers.with(name, value));
    }
}
