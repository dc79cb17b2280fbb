package dev.desafios.poller;

import dev.desafios.common.Config;
import dev.desafios.common.Health;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Router;
import dev.desafios.common.Server;
import dev.desafios.common.Services;
import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Challenge 1's poller: calls the API by hostname every interval, backing off while it is down. */
public final class PollerService {
    private PollerService() {
    }

    public static void main(String[] args) {
        Services.run("svc-poller", () -> start(System.getenv()).stopOnSignal());
    }

    static Server start(Map<String, String> env) {
        var config = new Config(env);
        config.requirePorts();
        var target = config.url("TARGET_URL", "http://api:8080/");
        Duration interval = config.duration("POLL_INTERVAL", Duration.ofSeconds(2));
        Duration maxBackoff = config.duration("POLL_MAX_BACKOFF", Duration.ofSeconds(10));
        Duration timeout = config.duration("POLL_TIMEOUT", Duration.ofSeconds(2));
        var calls = new HttpCalls(timeout, timeout);
        var poller = new Poller(calls, target, new Backoff(interval, maxBackoff, RandomGenerator.getDefault()));
        var router = new Router(config.maxBodyBytes())
                .get("/health", new Health().check("loop", poller::isRunning)::handle);
        Server server = Server.start(config, router, poller);
        poller.start();
        return server;
    }
}
