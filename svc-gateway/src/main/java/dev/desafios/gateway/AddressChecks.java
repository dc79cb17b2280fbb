package dev.desafios.gateway;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.BoundedBody;
import dev.desafios.common.CallClient;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Log;
import dev.desafios.common.RequestIds;
import dev.desafios.gateway.AddressBook.Target;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The checks of one upstream's addresses apart from any client's request, and the only way an
 * address is set aside: its {@code GET /health}, asked by {@link HealthChecks} and the gateway's
 * own /health, and plain connects to an address that a request or a probe found refusing or
 * silent. A single failure is weak evidence (a gateway starved of CPU misses its own connect
 * timeouts, and a slow replica still accepts connections), so each is checked again before the
 * address is set aside; a client chooses what it sends, and its answers never set one aside.
 */
final class AddressChecks {
    private static final Duration MAX_PROBE = Duration.ofSeconds(1);
    /** How long after a failed /health the address is asked again before it is set aside. */
    private static final Duration SILENCE_RECHECK = Duration.ofMillis(500);
    /** Health answers are reused this long: /health is published, and must not fan out per call. */
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The least a confirming connect waits: long enough for a starved gateway to see the answer. */
    private static final Duration MIN_CONFIRM = Duration.ofSeconds(1);

    private final String name;
    private final AddressBook addressBook;
    private final CallClient client;
    private final long setAsideNanos;
    private final Duration probeTimeout;
    private final Duration confirmTimeout;
    private final long maxBodyBytes;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe lastProbe;
    private volatile long lastProbeAt;

    private final GatewayMetrics metrics;

    /** The checks of the addresses in {@code addressBook}, with the timeouts and set-aside time of {@code settings}. */
    AddressChecks(AddressBook addressBook, CallClient client, GatewaySettings settings, GatewayMetrics metrics) {
        this.name = addressBook.name();
        this.addressBook = addressBook;
        this.client = client;
        this.metrics = metrics;
        this.setAsideNanos = settings.setAside().toNanos();
        this.probeTimeout = settings.requestTimeout().compareTo(MAX_PROBE) < 0 ? settings.requestTimeout() : MAX_PROBE;
        Duration twiceConnect = settings.connectTimeout().multipliedBy(2);
        this.confirmTimeout = twiceConnect.compareTo(MIN_CONFIRM) > 0 ? twiceConnect : MIN_CONFIRM;
        this.maxBodyBytes = settings.maxUpstreamBodyBytes();
    }

    /**
     * How many addresses answer {@code GET /health} with 200, asked of every address at once, at
     * most once a second whoever asks ({@link HealthChecks} in the background, the gateway's own
     * /health): the last answer is reused meanwhile, and a caller that finds a probe running waits
     * for it, at most the probe timeout. An address that answers 200 is no longer set aside, and
     * counts as heard from; one whose connect fails is checked as a request's would be; one set
     * aside stays aside while its probes fail.
     */
    Probe probe(String requestId) {
        Probe cached = lastProbe;
        if (cached != null && System.nanoTime() - lastProbeAt < PROBE_EVERY_NANOS) {
            return cached;
        }
        try {
            if (!probing.tryLock(probeTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.NANOSECONDS)) {
                return cached != null ? cached : new Probe(0, 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cached != null ? cached : new Probe(0, 0);
        }
        try {
            if (lastProbe != null && System.nanoTime() - lastProbeAt < PROBE_EVERY_NANOS) {
                return lastProbe;
            }
            Probe fresh = probeAll(requestId);
            lastProbe = fresh;
            lastProbeAt = System.nanoTime();
            return fresh;
        } finally {
            probing.unlock();
        }
    }

    /**
     * Asks every address at once. An address whose /health stays silent (connected, asked, no
     * answer in time: a paused or hung replica) while another address of the same name answered
     * 200 in the same round is set aside: the gateway itself was able to hear an answer, so the
     * silence is the address's. A round where every address is silent says nothing (it may be the
     * gateway that is starved).
     */
    private Probe probeAll(String requestId) {
        List<Target> targets = addressBook.resolution().targets();
        var answers = new ArrayList<Future<Health>>();
        for (Target target : targets) {
            answers.add(Forks.fork(() -> probe(target, requestId)));
        }
        var results = new ArrayList<Health>();
        for (Future<Health> answer : answers) {
            results.add(Forks.joinQuietly(answer, Health.FAILED));
        }
        int up = (int) results.stream().filter(result -> result == Health.UP).count();
        long now = System.nanoTime();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            Health result = results.get(i);
            if (result == Health.UP) {
                continue;
            }
            if (target.isAside(now)) {
                // Set aside on evidence already checked: it stays aside until its /health answers.
                setAside(target, "its /health still fails");
            } else if (up > 0 && result != Health.REFUSED) {
                confirmFailing(target, requestId);
            }
        }
        return new Probe(targets.size(), up);
    }

    /**
     * One failed round is weak evidence (the gateway's own overload can make it): a second round a
     * moment later, in the background, must find the address failing again (silent, or not 200)
     * while another answers.
     */
    private void confirmFailing(Target target, String requestId) {
        if (!target.confirmingFailure.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("confirm-failing-" + name).start(() -> {
            try {
                Thread.sleep(SILENCE_RECHECK.toMillis());
                var others = addressBook.resolution().targets().stream().filter(other -> other != target)
                        .map(other -> Forks.fork(() -> probe(other, requestId))).toList();
                Health again = probe(target, requestId);
                boolean anotherAnswered = others.stream()
                        .anyMatch(answer -> Forks.joinQuietly(answer, Health.FAILED) == Health.UP);
                if (again != Health.UP && again != Health.REFUSED && anotherAnswered) {
                    setAside(target, "its /health failed twice (" + again.name().toLowerCase(Locale.ROOT)
                            + " within " + probeTimeout.toMillis() + " ms), " + SILENCE_RECHECK.toMillis()
                            + " ms apart, while another address answered");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                target.confirmingFailure.set(false);
            }
        });
    }

    /** How many addresses the name has, and how many of them answered their health check. */
    record Probe(int addresses, int up) {
    }

    /** A probe's outcome: 200; no answer in time; an answer other than 200; no connection (checked apart). */
    private enum Health { UP, SILENT, FAILED, REFUSED }

    private Health probe(Target target, String requestId) {
        long deadline = System.nanoTime() + probeTimeout.toNanos();
        var request = HttpRequest.newBuilder(URI.create(target.origin + "/health")).GET()
                .header(RequestIds.HEADER, requestId).build();
        try {
            boolean up = client.send(request, BoundedBody.handler(maxBodyBytes), deadline)
                    .statusCode() == 200;
            if (up) {
                target.asideUntil = 0;
                target.answeredAt = System.nanoTime();
            }
            return up ? Health.UP : Health.FAILED;
        } catch (IOException e) {
            if (HttpCalls.connectFailed(e)) {
                suspect(target, e);
                return Health.REFUSED;
            }
            return e instanceof HttpTimeoutException ? Health.SILENT : Health.FAILED;
        }
    }

    /**
     * A connect to the address failed, or a try on it was silent: checked again on a thread of its
     * own with plain connects (at most two, each given more time than the client's connect
     * timeout), and set aside only when the address refuses, is unreachable or stays silent. A
     * failure of the gateway's own (no file descriptor left, say) is no evidence against the address.
     */
    void suspect(Target target, IOException why) {
        if (target.isAside(System.nanoTime()) || !target.confirming.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("confirm-" + name).start(() -> {
            try {
                String down = confirmDown(target.address, confirmTimeout);
                if (down != null) {
                    setAside(target, why + "; confirmed: " + down);
                } else {
                    Log.info("upstream failure not confirmed by a connect", new JsonObject()
                            .add("upstream", name).add("address", target.label).add("error", String.valueOf(why)));
                }
            } finally {
                target.confirming.set(false);
            }
        });
    }

    /** Why the address is down (refused, unreachable, silent twice), or null when it accepted a connection. */
    static String confirmDown(InetSocketAddress address, Duration timeout) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (var socket = new Socket()) {
                socket.connect(address, (int) timeout.toMillis());
                return null;
            } catch (ConnectException | NoRouteToHostException kernelSaid) {
                return String.valueOf(kernelSaid);
            } catch (SocketTimeoutException silent) {
                if (attempt == 2) {
                    return "no connection in two tries of " + timeout.toMillis() + " ms";
                }
            } catch (IOException | RuntimeException own) {
                return null;
            }
        }
        return null;
    }

    private void setAside(Target target, String why) {
        long now = System.nanoTime();
        boolean wasAside = target.isAside(now);
        target.asideUntil = now + setAsideNanos;
        if (!wasAside) {
            metrics.setAside().inc(name);
            Log.warn("upstream address set aside", new JsonObject()
                    .add("upstream", name).add("address", target.label)
                    .add("ms", TimeUnit.NANOSECONDS.toMillis(setAsideNanos)).add("error", why));
        }
    }
}
