package dev.desafios.gateway;

import dev.desafios.common.Metrics;

/**
 * What the gateway counts beside every service's requests (docs/metrics.md): its calls to each
 * upstream and how they ended, the addresses it set aside, and the requests its rate limit refused.
 */
record GatewayMetrics(Metrics.Counter upstreamCalls, Metrics.Counter setAside, Metrics.Counter rateLimited) {

    /** The gateway's counters, made in {@code metrics}. */
    static GatewayMetrics in(Metrics metrics) {
        return new GatewayMetrics(
                metrics.counter("gateway_upstream_calls_total", "Calls to an upstream service, by how they ended:"
                        + " answered (any status), failed (no whole answer in time, refused, reset) or busy"
                        + " (refused at once, UPSTREAM_MAX_IN_FLIGHT calls already in flight).", "upstream", "outcome"),
                metrics.counter("gateway_upstream_set_aside_total",
                        "Times an upstream address was set aside, its failure confirmed by a connect of its own.", "upstream"),
                metrics.counter("gateway_rate_limited_total", "Requests refused with 429 by the rate limit."));
    }
}
