package dev.desafios.gateway;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A problem document (RFC 9457) passed on from an upstream, rewritten as the client must see it:
 * {@code instance} is the path the client asked for, not the upstream's own path, {@code requestId}
 * the one the client was given (the upstream got it too), and a
 * {@code detail} or {@code title} that names an internal address (an IP address, or a host with
 * a port, such as a service calling another) names the host alone, without its port or IP.
 */
final class UpstreamProblem {
    /** About this many characters of the client's path are echoed, then an ellipsis. */
    static final int MAX_ECHO = 256;
    private static final Pattern IP_ADDRESS = Pattern.compile(
            "\\[?\\b[0-9]{1,3}(\\.[0-9]{1,3}){3}\\b]?(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");
    private static final Pattern HOST_AND_PORT = Pattern.compile("\\b([A-Za-z][A-Za-z0-9.-]*):[0-9]{1,5}\\b");

    private UpstreamProblem() {
    }

    /** The body with the client's path as its instance and this request's id; as it came when it is not a JSON object. */
    static byte[] asClientSees(byte[] body, String clientPath, String requestId) {
        JsonValue parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            return body;
        }
        if (!parsed.isObject()) {
            return body;
        }
        JsonObject problem = parsed.asObject();
        problem.set("instance", bounded(clientPath));
        problem.set("requestId", requestId);
        for (String field : new String[] {"detail", "title"}) {
            JsonValue value = problem.get(field);
            if (value != null && value.isString()) {
                problem.set(field, withoutAddresses(value.asString()));
            }
        }
        return problem.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The text with IP addresses replaced and ports dropped from host names. */
    static String withoutAddresses(String text) {
        String noIp = IP_ADDRESS.matcher(text).replaceAll("an internal address");
        return HOST_AND_PORT.matcher(noIp).replaceAll("$1");
    }

    static String bounded(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    }
}
