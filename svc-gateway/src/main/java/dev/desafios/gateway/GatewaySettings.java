package dev.desafios.gateway;

import dev.desafios.common.Config;
import dev.desafios.common.HttpCalls;
import java.net.URI;
import java.time.Duration;

/**
 * The gateway's settings, read once from the environment.
 *
 * @param usersUrl       {@code USERS_URL}, default {@code http://users:8080}
 * @param ordersUrl      {@code ORDERS_URL}, default {@code http://orders:8080}
 * @param connectTimeout {@code UPSTREAM_CONNECT_TIMEOUT}, default 500ms: on a Docker network a
 *                       connection takes well under a millisecond, and a replica that has just
 *                       vanished (its address no longer answers at all) must not cost a client a
 *                       whole second
 * @param requestTimeout {@code UPSTREAM_TIMEOUT}, default 5s: the whole upstream call, from the
 *                       first connect to the last byte of the body, a retry included; long
 *                       enough that a second try still has half of it on a machine short of CPU
 * @param tryTimeout     {@code UPSTREAM_TRY_TIMEOUT}, default half of UPSTREAM_TIMEOUT (2.5s):
 *                       how long the first try of an idempotent call may take when the service
 *                       has another address; past it the call is tried once more there, in what
 *                       is left of UPSTREAM_TIMEOUT (a reused connection to a machine that is
 *                       gone stays silent, and a replica just started may be slow). Long enough
 *                       that a service's own slow answer (a 503 after its database's 2 s) still
 *                       comes through; at UPSTREAM_TIMEOUT or more, or when half of it would not
 *                       leave time for a connect, no call is tried twice for silence
 * @param setAside       {@code UPSTREAM_SET_ASIDE}, default 5s: how long an address that refused
 *                       or did not accept a connection (confirmed) gets no requests
 * @param dnsTtl         {@code UPSTREAM_DNS_TTL}, default 1s: how long a resolved address list is
 *                       used before the name is resolved again
 * @param maxBodyBytes   {@code MAX_BODY_BYTES}, default 65536
 * @param maxUpstreamBodyBytes {@code UPSTREAM_MAX_BODY_BYTES}, default 1 MiB: a larger answer is a
 *                       502 (the body is held in memory before it is passed on)
 * @param trustedProxies {@code TRUSTED_PROXIES}, default none
 * @param healthInterval {@code UPSTREAM_HEALTH_INTERVAL}, default 2s: how often every upstream
 *                       address is asked for its /health in the background
 * @param maxInFlight    {@code UPSTREAM_MAX_IN_FLIGHT}, default 128: calls in flight to one upstream
 *                       (all its addresses); past it a request is answered a 503 at once rather
 *                       than joining a pile that only grows while the upstream is slow
 * @param startupWait    {@code UPSTREAM_STARTUP_WAIT}, default 10s: how long the gateway waits at
 *                       start for each upstream name to resolve before it takes connections. A
 *                       swarm node that has just rejoined learns the other nodes' tasks a moment
 *                       after its containers start; until then its gateway refuses connections
 *                       (the entry moves on to another node) instead of answering 503s
 */
record GatewaySettings(URI usersUrl, URI ordersUrl, Duration connectTimeout, Duration requestTimeout,
        Duration tryTimeout, Duration setAside, Duration dnsTtl, long maxBodyBytes, long maxUpstreamBodyBytes,
        TrustedProxies trustedProxies, Duration healthInterval, int maxInFlight, Duration startupWait) {

    static GatewaySettings from(Config config) {
        Duration connectTimeout = config.duration("UPSTREAM_CONNECT_TIMEOUT", Duration.ofMillis(500));
        Duration requestTimeout = config.duration("UPSTREAM_TIMEOUT", Duration.ofSeconds(5));
        Duration half = requestTimeout.dividedBy(2);
        return new GatewaySettings(
                upstreamUrl(config, "USERS_URL", "http://users:8080"),
                upstreamUrl(config, "ORDERS_URL", "http://orders:8080"),
                connectTimeout,
                requestTimeout,
                config.duration("UPSTREAM_TRY_TIMEOUT",
                        half.compareTo(connectTimeout) >= 0 ? half : requestTimeout),
                config.duration("UPSTREAM_SET_ASIDE", Duration.ofSeconds(5)),
                config.duration("UPSTREAM_DNS_TTL", Duration.ofSeconds(1)),
                config.maxBodyBytes(),
                config.whole("UPSTREAM_MAX_BODY_BYTES", HttpCalls.DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024),
                TrustedProxies.from(config),
                config.duration("UPSTREAM_HEALTH_INTERVAL", Duration.ofSeconds(2)),
                (int) config.whole("UPSTREAM_MAX_IN_FLIGHT", 128, 1, 10_000),
                config.duration("UPSTREAM_STARTUP_WAIT", Duration.ofSeconds(10)));
    }

    /** An http URL with a host and at most a path: the gateway calls each address of the host itself. */
    private static URI upstreamUrl(Config config, String name, String otherwise) {
        URI url = config.url(name, otherwise);
        if (!"http".equals(url.getScheme()) || url.getRawQuery() != null || url.getRawFragment() != null
                || url.getRawUserInfo() != null) {
            // https is refused too: calls go to the IP addresses, which a certificate does not name.
            throw Config.ConfigException.invalid(name, url.toString(),
                    "an http:// URL with a host and an optional path, such as http://users:8080");
        }
        return url;
    }
}
