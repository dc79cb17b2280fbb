package dev.desafios.gateway;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import dev.desafios.common.RequestIds;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One service behind the gateway (users or orders), balanced across every address its name
 * resolves to. The name is resolved by the gateway itself and the list reused for the DNS TTL;
 * requests go round robin over the addresses; an address that refuses, resets or does not accept
 * a connection is set aside for a while; an idempotent request that failed that way is retried
 * once on another address (a POST never is). Failures left over become problems: refused or
 * reset 502, timeout 504, no address to try 503 (RFC 9110).
 */
final class Upstream {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    /** How long a request waits for a slow name lookup before it uses the previous answer. */
    private static final Duration LOOKUP_WAIT = Duration.ofMillis(100);
    private static final Duration MAX_PROBE = Duration.ofSeconds(1);
    private static final Comparator<InetSocketAddress> ADDRESS_ORDER = Comparator
            .comparing((InetSocketAddress a) -> a.getAddress().getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(InetSocketAddress::getPort);

    /** One address: where calls go, and until when it is set aside (System.nanoTime; 0 for never). */
    static final class Target {
        final InetSocketAddress address;
        final String label;
        final String origin;
        volatile long asideUntil;

        Target(InetSocketAddress address, String basePath) {
            this.address = address;
            String host = address.getAddress().getHostAddress();
            this.label = (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
            this.origin = "http://" + label + basePath;
        }

        boolean isAside(long now) {
            long until = asideUntil;
            return until != 0 && now - until < 0;
        }
    }

    /** A resolved address list, with when it was made and until when it is used; failure when none. */
    private record Resolution(List<Target> targets, long resolvedAt, long expiresAt, String failure) {
    }

    private final String name;
    private final String host;
    private final int port;
    private final String basePath;
    private final Addresses addresses;
    private final HttpClient client;
    private final long setAsideNanos;
    private final long ttlNanos;
    private final Duration probeTimeout;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Resolution>> lookup = new AtomicReference<>();
    private volatile Resolution current;

    /** The service {@code name} at {@code url} (its host is resolved, its path prefixes every call). */
    Upstream(String name, URI url, Addresses addresses, HttpClient client, GatewaySettings settings) {
        this.name = name;
        this.host = url.getHost();
        this.port = url.getPort() < 0 ? 80 : url.getPort();
        this.basePath = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        this.addresses = addresses;
        this.client = client;
        this.setAsideNanos = settings.setAside().toNanos();
        this.ttlNanos = settings.dnsTtl().toNanos();
        this.probeTimeout = settings.requestTimeout().compareTo(MAX_PROBE) < 0 ? settings.requestTimeout() : MAX_PROBE;
        this.current = new Resolution(List.of(), System.nanoTime(), System.nanoTime(), "not resolved yet");
    }

    /** The service's name, as health and problems call it. */
    String name() {
        return name;
    }

    /**
     * Sends the request (method, headers, body and timeout set; the URI is set here) to
     * {@code pathAndQuery} on one address, and once more on another when that is safe. Returns
     * the upstream's answer whatever its status; throws the {@link Problem} a client should see.
     */
    HttpResponse<byte[]> send(String method, String pathAndQuery, HttpRequest.Builder request) {
        Target first = choose();
        long started = System.nanoTime();
        try {
            return attempt(first, pathAndQuery, request);
        } catch (IOException failure) {
            // Problems name the service, never its internal addresses; the log has those.
            if (!isUnreachable(failure)) {
                throw HttpCalls.failure(name, failure);
            }
            setAside(first, failure);
            Target second = retryTarget(first, started);
            if (second == null || !IDEMPOTENT.contains(method)) {
                throw HttpCalls.failure(name, failure);
            }
            try {
                return attempt(second, pathAndQuery, request);
            } catch (IOException again) {
                if (isUnreachable(again)) {
                    setAside(second, again);
                }
                throw HttpCalls.failure(name + " (two instances tried)", again);
            }
        }
    }

    private HttpResponse<byte[]> attempt(Target target, String pathAndQuery, HttpRequest.Builder request)
            throws IOException {
        try {
            return client.send(request.copy().uri(URI.create(target.origin + pathAndQuery)).build(),
                    BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("the call to " + name + " was interrupted");
        }
    }

    /**
     * Refused, reset, closed, a connect timeout or an answer that is not HTTP: this address is
     * not serving. A timeout after the request was sent is not counted: the address may be
     * working on it, and repeating it elsewhere would double the work.
     */
    private static boolean isUnreachable(IOException e) {
        return !(e instanceof HttpTimeoutException) || e instanceof HttpConnectTimeoutException;
    }

    private void setAside(Target target, IOException why) {
        long now = System.nanoTime();
        boolean wasAside = target.isAside(now);
        target.asideUntil = now + setAsideNanos;
        if (!wasAside) {
            Log.warn("upstream address set aside", new JsonObject()
                    .add("upstream", name).add("address", target.label)
                    .add("ms", TimeUnit.NANOSECONDS.toMillis(setAsideNanos)).add("error", String.valueOf(why)));
        }
    }

    /** The next address round robin that is not set aside; 503 when the name has none or all are aside. */
    private Target choose() {
        Resolution resolution = resolution();
        if (resolution.targets.isEmpty()) {
            throw Problem.unavailable(name + " has no running instance: " + host + " " + resolution.failure);
        }
        Target target = pick(resolution.targets, null);
        if (target == null) {
            throw Problem.unavailable("no healthy " + name + " instance: every address of " + host
                    + " failed in the last " + TimeUnit.NANOSECONDS.toMillis(setAsideNanos) + " ms");
        }
        return target;
    }

    /**
     * After {@code failed} failed, the name is looked up again (the replica may be gone for good):
     * 503 when it now has no address at all, else another address that is not set aside, or null.
     */
    private Target retryTarget(Target failed, long attemptStarted) {
        Resolution resolution = current;
        if (resolution.resolvedAt - attemptStarted < 0) {
            resolution = refresh(LOOKUP_WAIT, resolution);
        }
        if (resolution.targets.isEmpty()) {
            throw Problem.unavailable(name + " has no running instance left: " + host + " " + resolution.failure);
        }
        return pick(resolution.targets, failed.address);
    }

    private Target pick(List<Target> targets, InetSocketAddress avoid) {
        int n = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Target target = targets.get((start + i) % n);
            if (!target.address.equals(avoid) && !target.isAside(now)) {
                return target;
            }
        }
        return null;
    }

    /** The address list, looked up again once it is older than the TTL. */
    private Resolution resolution() {
        Resolution resolution = current;
        if (System.nanoTime() - resolution.expiresAt < 0) {
            return resolution;
        }
        return refresh(resolution.targets.isEmpty() ? LOOKUP_WAIT.multipliedBy(5) : LOOKUP_WAIT, resolution);
    }

    /**
     * Looks the name up (one lookup at a time; others join it) and waits for it at most
     * {@code wait}: when Docker's DNS is slow to say a name is gone, requests go on with the
     * previous answer instead of waiting for it.
     */
    private Resolution refresh(Duration wait, Resolution previous) {
        CompletableFuture<Resolution> running = lookup.get();
        if (running == null) {
            var started = new CompletableFuture<Resolution>();
            if (lookup.compareAndSet(null, started)) {
                Thread.ofVirtual().name("resolve-" + name).start(() -> {
                    try {
                        started.complete(current = resolve(current));
                    } catch (RuntimeException | Error e) {
                        Log.error("resolving " + host + " failed", e);
                        started.completeExceptionally(e);
                    } finally {
                        lookup.set(null);
                    }
                });
                running = started;
            } else {
                running = lookup.get();
            }
        }
        if (running == null) {
            return current;
        }
        try {
            return running.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return previous;
        } catch (ExecutionException | TimeoutException e) {
            return previous;
        }
    }

    private Resolution resolve(Resolution previous) {
        var found = new ArrayList<InetSocketAddress>();
        String failure = null;
        try {
            found.addAll(addresses.resolve(host, port));
            if (found.isEmpty()) {
                failure = "resolves to no address";
            }
        } catch (UnknownHostException e) {
            failure = "does not resolve";
        }
        found.sort(ADDRESS_ORDER);
        // The same address keeps its Target, and so whether it is set aside.
        var known = new HashMap<InetSocketAddress, Target>();
        previous.targets.forEach(target -> known.put(target.address, target));
        var targets = new ArrayList<Target>(found.size());
        for (InetSocketAddress address : found) {
            Target target = known.get(address);
            targets.add(target != null ? target : new Target(address, basePath));
        }
        long now = System.nanoTime();
        if (!found.equals(previous.targets.stream().map(t -> t.address).toList())
                || !Objects.equals(failure, previous.failure)) {
            var labels = new JsonArray();
            targets.forEach(target -> labels.add(target.label));
            var fields = new JsonObject().add("upstream", name).add("host", host).add("addresses", labels);
            Log.info("upstream addresses", failure == null ? fields : fields.add("problem", host + " " + failure));
        }
        return new Resolution(List.copyOf(targets), now, now + ttlNanos, failure);
    }

    /**
     * Calls {@code GET /health} on every address at once: the service is UP when one of them
     * answers 200. An address that answers is no longer set aside; one that cannot be reached is.
     */
    Probe probe(String requestId) {
        List<Target> targets = resolution().targets;
        var answers = new ArrayList<Future<Boolean>>();
        for (Target target : targets) {
            answers.add(Forks.fork(() -> probe(target, requestId)));
        }
        int up = 0;
        for (Future<Boolean> answer : answers) {
            up += Forks.joinQuietly(answer, false) ? 1 : 0;
        }
        return new Probe(targets.size(), up);
    }

    /** How many addresses the name has, and how many of them answered their health check. */
    record Probe(int addresses, int up) {
    }

    private boolean probe(Target target, String requestId) {
        var request = HttpRequest.newBuilder(URI.create(target.origin + "/health")).GET()
                .timeout(probeTimeout).header(RequestIds.HEADER, requestId).build();
        try {
            boolean up = client.send(request, BodyHandlers.discarding()).statusCode() == 200;
            if (up) {
                target.asideUntil = 0;
            }
            return up;
        } catch (IOException e) {
            if (isUnreachable(e)) {
                setAside(target, e);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
