package dev.desafios.gateway;

import dev.desafios.common.RequestIds;
import java.time.Duration;
import java.util.List;

/**
 * Asks every upstream address for its {@code /health} every {@code UPSTREAM_HEALTH_INTERVAL}, in
 * the background, one round at a time per upstream: an address that stops answering (a machine
 * gone, a replica hung) is set aside before clients' requests have to find out, comes back with
 * its first 200, and a second try goes to an address heard from lately. Client requests never set
 * an address aside by their answers; these probes, which no client shapes, may.
 */
final class HealthChecks implements AutoCloseable {
    private final Thread loop;

    private HealthChecks(Thread loop) {
        this.loop = loop;
    }

    /** Starts the rounds, the first one interval from now (until then, requests resolve the names). */
    static HealthChecks every(Duration interval, List<Upstream> upstreams) {
        return new HealthChecks(Thread.ofVirtual().name("health-checks").start(() -> {
            try {
                while (true) {
                    Thread.sleep(interval);
                    String requestId = RequestIds.generate();
                    var rounds = upstreams.stream()
                            .map(upstream -> Forks.fork(() -> upstream.checks().probe(requestId))).toList();
                    rounds.forEach(round -> Forks.joinQuietly(round, null));
                }
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    @Override
    public void close() {
        loop.interrupt();
    }
}
