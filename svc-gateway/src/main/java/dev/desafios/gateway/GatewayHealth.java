package dev.desafios.gateway;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Request;
import dev.desafios.common.Response;
import java.util.List;

/**
 * {@code GET /health}: the gateway's own health, 200 {@code "status":"UP"} whenever it can
 * answer, with a check per upstream ({@code "users":"UP"} when at least one of its addresses
 * answers its own /health) and, under {@code upstreams}, how many addresses each name has and how
 * many answered (counts, not the internal addresses: this endpoint is published).
 * <p>
 * An upstream that is DOWN does not make the gateway DOWN: the gateway still answers every
 * request (with a 502/503 problem where that upstream is needed), and a 503 here would make
 * Docker (or a swarm, which replaces unhealthy tasks) treat the one working part as the broken
 * one. The checks say what is down; the status says whether this container must be replaced.
 */
final class GatewayHealth {
    private final List<Upstream> upstreams;

    GatewayHealth(List<Upstream> upstreams) {
        this.upstreams = upstreams;
    }

    Response handle(Request request) {
        var probes = upstreams.stream()
                .map(upstream -> Forks.fork(() -> upstream.checks().probe(request.requestId()))).toList();
        var checks = new JsonObject().add("gateway", "UP");
        var counts = new JsonObject();
        for (int i = 0; i < upstreams.size(); i++) {
            AddressChecks.Probe probe = Forks.joinQuietly(probes.get(i), new AddressChecks.Probe(0, 0));
            checks.add(upstreams.get(i).name(), probe.up() > 0 ? "UP" : "DOWN");
            counts.add(upstreams.get(i).name(),
                    new JsonObject().add("addresses", probe.addresses()).add("up", probe.up()));
        }
        return Response.ok(new JsonObject().add("status", "UP").add("checks", checks).add("upstreams", counts));
    }
}
