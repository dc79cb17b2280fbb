package dev.desafios.gateway;

import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;
import dev.desafios.common.Router;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's routing, on the normalised path ({@link SafePath}) rather than the raw one: the
 * common router hands every request here (it still gives each its request id, turns problems into
 * responses and logs it), so that nothing is matched before the path is made safe.
 */
final class Gateway {
    /** The methods passed through; any other (TRACE, CONNECT, ...) gets 405 from the router. */
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Pattern USER_ORDERS = Pattern.compile("/api/users/([0-9]{1,18})/orders");
    private static final String READ_ONLY = "GET, HEAD";

    private final Proxy proxy;
    private final List<Proxy.Route> routes;
    private final UserOrders userOrders;
    private final GatewayHealth health;
    private final RateLimiter limiter;
    private final GatewayMetrics metrics;

    Gateway(Proxy proxy, RateLimiter limiter, GatewayMetrics metrics, Upstream users, Upstream orders) {
        this.proxy = proxy;
        this.limiter = limiter;
        this.metrics = metrics;
        this.routes = List.of(new Proxy.Route("/api/users", users, "/users"),
                new Proxy.Route("/api/orders", orders, "/orders"));
        this.userOrders = new UserOrders(proxy, users, orders);
        this.health = new GatewayHealth(List.of(users, orders));
    }

    Response handle(Request request) {
        // Counted under the gateway's own routes, not its catch-all: see Request.route.
        request.route(Router.UNMATCHED);
        String path = SafePath.normalise(rawPath(request.uri()));
        if (path.equals("/health")) {
            return health(request);
        }
        String client = proxy.client(request);
        if (!client.equals(request.clientAddress())) {
            request.logField("client", client);
        }
        // After /health, which is cheap and must keep answering Docker's checks whatever a client does.
        if (limiter.isOn()) {
            try {
                limiter.admit(client);
            } catch (Problem tooMany) {
                metrics.rateLimited().inc();
                throw tooMany;
            }
        }
        Matcher userOrdersPath = USER_ORDERS.matcher(path);
        if (userOrdersPath.matches()) {
            request.route("/api/users/{id}/orders");
            readOnly(request);
            return userOrders.find(request, Long.parseLong(userOrdersPath.group(1)));
        }
        for (Proxy.Route route : routes) {
            if (route.matches(path)) {
                request.route(route.prefix() + "/**");
                return proxy.forward(request, route, path);
            }
        }
        throw Problem.notFound("no service at " + Problem.quote(path) + "; the gateway serves /api/users and /api/orders");
    }

    /** {@code GET /health}: the gateway's own health and its upstreams' ({@link GatewayHealth}). */
    Response health(Request request) {
        request.route("/health");
        readOnly(request);
        return health.handle(request);
    }

    /**
     * The path as sent. java.net.URI reads a target that starts with {@code //} as a host
     * ({@code //api//users} has the authority {@code api}); in a request line it is a path.
     */
    static String rawPath(URI target) {
        if (target.getScheme() == null && target.getRawAuthority() != null) {
            return "//" + target.getRawAuthority() + (target.getRawPath() == null ? "" : target.getRawPath());
        }
        return target.getRawPath();
    }

    private static void readOnly(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw Problem.methodNotAllowed(request.method(), READ_ONLY);
        }
    }
}
