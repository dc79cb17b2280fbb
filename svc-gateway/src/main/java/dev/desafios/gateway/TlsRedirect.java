package dev.desafios.gateway;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Handler;
import dev.desafios.common.Headers;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The plain port while TLS is on: every request gets a 308 to the same path and query over
 * https (308, not 301: the method and body are kept), except {@code /health}, which answers as
 * on the TLS port, so that Docker's health check and a load balancer's probe keep working.
 */
final class TlsRedirect {
    /** A host name or IPv4 address, or an IPv6 literal in brackets: what a Host header may name. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]");

    private final int port;
    private final Handler health;

    /** Redirects to {@code port} on the host the client asked for; {@code health} answers /health. */
    TlsRedirect(int port, Handler health) {
        this.port = port;
        this.health = health;
    }

    Response handle(Request request) throws Exception {
        if (request.path().equals("/health")) {
            return health.handle(request);
        }
        String host = host(request.header("Host"));
        URI target = request.uri();
        // The target as sent, as the TLS port will read it (a leading // is a path, not a host).
        String pathAndQuery = Gateway.rawPath(target) + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + pathAndQuery;
        byte[] body = new JsonObject().add("location", location).toString().getBytes(StandardCharsets.UTF_8);
        return Response.raw(308, Response.JSON, body, Headers.of("Location", location));
    }

    /** The Host header's name, without its port; 400 when there is none or it is not a host name. */
    private static String host(String header) {
        if (header == null) {
            throw Problem.badRequest("no Host header: the redirect to https needs the host name");
        }
        String host = header.strip();
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon && host.substring(colon + 1).matches("[0-9]{1,5}")) {
            host = host.substring(0, colon);
        }
        if (!HOST.matcher(host).matches()) {
            throw Problem.badRequest("the Host header " + Problem.quote(host) + " is not a host name");
        }
        return host;
    }
}
