package dev.desafios.gateway;

import dev.desafios.common.Config;
import dev.desafios.common.CallClient;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.util.List;
import java.util.Map;

/** Challenge 5: the single entry point, routing /api/users and /api/orders to their services. */
public final class GatewayService {
    private GatewayService() {
    }

    public static void main(String[] args) {
        // The balancer retries on another address itself; the client would retry the same one.
        setDefault("jdk.httpclient.disableRetryConnect", "true");
        // Pooled connections are dropped before the upstreams' own 30 s idle close, so that a
        // request is not sent on a connection the upstream is closing.
        setDefault("jdk.httpclient.keepalive.timeout", "20");
        Services.run("svc-gateway", () -> {
            // The gateway resolves upstream names itself every UPSTREAM_DNS_TTL: the JVM keeps none.
            Services.cacheDnsAnswers("0", "0");
            start(System.getenv(), Addresses.dns()).stopOnSignal();
        });
    }

    static Server start(Map<String, String> env, Addresses addresses) {
        var config = new Config(env);
        config.requirePorts();
        var settings = GatewaySettings.from(config);
        // A resource of the server: calls end with its drain, and are cancelled after it.
        var client = new CallClient(settings.connectTimeout());
        var router = new Router(settings.maxBodyBytes(), config.limits().forProxy());
        var metrics = GatewayMetrics.in(router.metrics());
        var users = new Upstream("users", settings.usersUrl(), addresses, client, settings, metrics);
        var orders = new Upstream("orders", settings.ordersUrl(), addresses, client, settings, metrics);
        var gateway = new Gateway(new Proxy(settings.trustedProxies()),
                RateLimiter.from(config), metrics, users, orders);
        for (String method : Gateway.METHODS) {
            router.route(method, "{path:/.*}", gateway::handle);
        }
        AddressBook.awaitAddresses(settings.startupWait(), users.addressBook(), orders.addressBook());
        var healthChecks = HealthChecks.every(settings.healthInterval(), List.of(users, orders));
        GatewayTls tls = GatewayTls.from(config);
        if (tls == null) {
            return Server.start(config, router, healthChecks, client);
        }
        // TLS on TLS_PORT; the plain port redirects there (its own router: a 308 counts nowhere).
        var redirect = new TlsRedirect(tls.redirectPort(), gateway::health);
        var plain = new Router(settings.maxBodyBytes(), config.limits().forProxy());
        for (String method : Gateway.METHODS) {
            plain.route(method, "{path:/.*}", redirect::handle);
        }
        Server plainServer = Server.start(config.port(), plain);
        return Server.start(config, tls.port(), router, tls.context(),
                plainServer, healthChecks, client);
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
