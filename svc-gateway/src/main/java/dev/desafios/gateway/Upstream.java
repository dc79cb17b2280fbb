package dev.desafios.gateway;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.BoundedBody;
import dev.desafios.common.CallClient;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import dev.desafios.common.RequestIds;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One service behind the gateway (users or orders), balanced across every address its name
 * resolves to. The name is resolved by the gateway itself and the list reused for the DNS TTL;
 * requests go round robin over the addresses. A request whose connect fails (nothing was sent)
 * goes on to another address within the same deadline, up to three addresses; an idempotent one
 * is also tried once more when its first try stays unanswered past the try timeout (a reused
 * connection to a machine that is gone is silent, not refused), or is closed or reset before a
 * whole answer (a replica that stops closes its kept connections). A failed connect or a silent try has the address checked
 * again apart from any request (a plain connect, twice at most), and set aside for a while only
 * when that fails too: a gateway starved of CPU misses its own connect timeouts, and a slow
 * replica still accepts connections. Nothing else after the request was sent (a close, a reset,
 * garbage, any status) sets the address aside, and garbage or a status is never retried: a client
 * chooses what it sends, and must not be able to take an address out of rotation with it.
 * Failures left over become problems: refused or reset 502, timeout 504, no address to try 503
 * (RFC 9110).
 */
final class Upstream {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    /** Methods that change nothing: a request of these that makes replicas close may go to a third. */
    private static final Set<String> SAFE = Set.of("GET", "HEAD");
    /** How long a request waits for a slow name lookup before it uses the previous answer. */
    private static final Duration LOOKUP_WAIT = Duration.ofMillis(100);
    private static final Duration MAX_PROBE = Duration.ofSeconds(1);
    /** How long after a failed /health the address is asked again before it is set aside. */
    private static final Duration SILENCE_RECHECK = Duration.ofMillis(500);
    /** Health answers are reused this long: /health is published, and must not fan out per call. */
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The least a confirming connect waits: long enough for a starved gateway to see the answer. */
    private static final Duration MIN_CONFIRM = Duration.ofSeconds(1);
    /** Second tries of a request that may have been sent, running at once: an overloaded service is not sent twice the load. */
    private static final int RETRIES_AFTER_SEND = 8;
    /** Addresses one request may try: connects that fail move on to the next, up to this many. */
    private static final int MAX_TRIES = 3;
    private static final Comparator<InetSocketAddress> ADDRESS_ORDER = Comparator
            .comparing((InetSocketAddress a) -> a.getAddress().getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(InetSocketAddress::getPort);

    /** One address: where calls go, and until when it is set aside (System.nanoTime; 0 for never). */
    static final class Target {
        final InetSocketAddress address;
        final String label;
        final String origin;
        volatile long asideUntil;
        /** When the address last gave a whole answer, or 200 to a health probe (System.nanoTime; 0 for never). */
        volatile long answeredAt;
        final AtomicBoolean confirming = new AtomicBoolean();
        final AtomicBoolean confirmingFailure = new AtomicBoolean();

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
    private final CallClient client;
    private final long setAsideNanos;
    private final long ttlNanos;
    private final Duration probeTimeout;
    private final Duration requestTimeout;
    /** How long a first try may be silent before another address is tried; 0 when never. */
    private final long tryTimeoutNanos;
    private final Semaphore retriesAfterSend = new Semaphore(RETRIES_AFTER_SEND);
    /** Calls in flight to this service (the bulkhead): past UPSTREAM_MAX_IN_FLIGHT, a 503 at once. */
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Duration confirmTimeout;
    private final long maxBodyBytes;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe lastProbe;
    private volatile long lastProbeAt;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Resolution>> lookup = new AtomicReference<>();
    private volatile Resolution current;

    private final GatewayMetrics metrics;

    /** The service {@code name} at {@code url} (its host is resolved, its path prefixes every call). */
    Upstream(String name, URI url, Addresses addresses, CallClient client, GatewaySettings settings,
            GatewayMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        this.host = url.getHost();
        this.port = url.getPort() < 0 ? 80 : url.getPort();
        this.basePath = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        this.addresses = addresses;
        this.client = client;
        this.setAsideNanos = settings.setAside().toNanos();
        this.ttlNanos = settings.dnsTtl().toNanos();
        this.probeTimeout = settings.requestTimeout().compareTo(MAX_PROBE) < 0 ? settings.requestTimeout() : MAX_PROBE;
        this.requestTimeout = settings.requestTimeout();
        this.tryTimeoutNanos = settings.tryTimeout().compareTo(settings.requestTimeout()) < 0
                ? settings.tryTimeout().toNanos() : 0;
        Duration twiceConnect = settings.connectTimeout().multipliedBy(2);
        this.confirmTimeout = twiceConnect.compareTo(MIN_CONFIRM) > 0 ? twiceConnect : MIN_CONFIRM;
        this.maxBodyBytes = settings.maxUpstreamBodyBytes();
        this.maxInFlight = settings.maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
        this.current = new Resolution(List.of(), System.nanoTime(), System.nanoTime(), "not resolved yet");
    }

    /**
     * Waits until every upstream's name resolves to an address, at most {@code wait}; after that
     * the gateway starts anyway (its requests get 503 until the names resolve) and says which did not.
     */
    static void awaitAddresses(Duration wait, Upstream... upstreams) {
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        List<String> missing;
        boolean waited = false;
        do {
            missing = Arrays.stream(upstreams)
                    .filter(upstream -> !upstream.resolves()).map(Upstream::name).toList();
            if (missing.isEmpty()) {
                if (waited) {
                    Log.info("upstream names resolve", new JsonObject()
                            .add("waited_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
                }
                return;
            }
            waited = true;
        } while (deadline - System.nanoTime() > 0 && pause(LOOKUP_WAIT));
        Log.warn("starting without upstream addresses", new JsonObject().add("upstreams", String.join(", ", missing))
                .add("waited_ms", wait.toMillis()));
    }

    /** Whether the name resolves to an address now (a lookup of its own: what requests use is left alone). */
    private boolean resolves() {
        try {
            return !addresses.resolve(host, port).isEmpty();
        } catch (UnknownHostException unknown) {
            return false;
        }
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The service's name, as health and problems call it. */
    String name() {
        return name;
    }

    /**
     * Sends the request (method, headers and body set; the URI and timeout are set here) to
     * {@code pathAndQuery} on one address, and on others when its connect failed, or, for an
     * idempotent method, when the first try was silent past the try timeout or was closed or reset
     * before a whole answer, all within one UPSTREAM_TIMEOUT. Returns the upstream's answer
     * whatever its status; throws the {@link Problem} a client should see, a 503 at once when
     * UPSTREAM_MAX_IN_FLIGHT calls to this service are already waiting.
     */
    HttpResponse<byte[]> send(String method, String pathAndQuery, HttpRequest.Builder request) {
        if (!inFlight.tryAcquire()) {
            metrics.upstreamCalls().inc(name, "busy");
            throw Problem.busy(name + " has " + maxInFlight + " calls in flight, its most; try again shortly");
        }
        try {
            HttpResponse<byte[]> answer = sendWithin(method, pathAndQuery, request);
            metrics.upstreamCalls().inc(name, "answered");
            return answer;
        } catch (RuntimeException failed) {
            metrics.upstreamCalls().inc(name, "failed");
            throw failed;
        } finally {
            inFlight.release();
        }
    }

    private HttpResponse<byte[]> sendWithin(String method, String pathAndQuery, HttpRequest.Builder request) {
        long started = System.nanoTime();
        long deadline = started + requestTimeout.toNanos();
        Target first = choose();
        boolean idempotent = IDEMPOTENT.contains(method);
        long firstDeadline = idempotent && tryTimeoutNanos > 0 && current.targets.size() > 1
                ? started + tryTimeoutNanos : deadline;
        try {
            HttpResponse<byte[]> answer = attempt(first, pathAndQuery, request, firstDeadline);
            return answer.statusCode() == 503 && idempotent ? unavailableElsewhere(answer, first, pathAndQuery, request, deadline)
                    : answer;
        } catch (IOException failure) {
            boolean refused = HttpCalls.connectFailed(failure);
            boolean silent = firstDeadline != deadline && HttpCalls.timedOut(failure);
            boolean cutShort = idempotent && HttpCalls.cutShort(failure);
            // Problems name the service, never its internal addresses; the log has those.
            if (!refused && !silent && !cutShort) {
                throw HttpCalls.failure(name, failure);
            }
            // A close or reset may be the request's own doing: it never casts doubt on the address.
            if (!cutShort) {
                suspect(first, failure);
            }
            if (deadline - System.nanoTime() <= 0) {
                throw HttpCalls.failure(name, failure);
            }
            // After a failed connect nothing was sent, so any method may go to another address. A
            // silent or cut-short try may have been done, and only an idempotent one is tried again,
            // a few at once: a request that breaks its upstream is not sent to every replica at will.
            boolean sent = !refused;
            if (sent && !retriesAfterSend.tryAcquire()) {
                throw HttpCalls.failure(name, failure);
            }
            try {
                return retry(method, first, pathAndQuery, request, started, deadline, failure);
            } finally {
                if (sent) {
                    retriesAfterSend.release();
                }
            }
        }
    }

    /**
     * An idempotent request answered 503 by one address (that replica cannot serve now: its
     * database is out of its reach, it is stopping) is tried once on another, under the cap on
     * second tries; whatever whole answer that one gives is passed on, else the first 503. A
     * status never sets an address aside.
     */
    private HttpResponse<byte[]> unavailableElsewhere(HttpResponse<byte[]> unavailable, Target first,
            String pathAndQuery, HttpRequest.Builder request, long deadline) {
        Resolution resolution = current;
        if (resolution.targets.size() < 2 || deadline - System.nanoTime() <= 0 || !retriesAfterSend.tryAcquire()) {
            return unavailable;
        }
        try {
            Target other = pickForRetry(resolution.targets, List.of(first.address));
            return other == null ? unavailable : attempt(other, pathAndQuery, request, deadline);
        } catch (IOException failed) {
            return unavailable;
        } finally {
            retriesAfterSend.release();
        }
    }

    /**
     * The tries after the first, each on an address not tried yet: after a failed connect (nothing
     * was sent) the next one, while the deadline and {@link #MAX_TRIES} allow (a dead machine takes
     * every replica it ran with it); after a GET or HEAD closed again, the next one too; after any
     * other failure, none.
     */
    private HttpResponse<byte[]> retry(String method, Target first, String pathAndQuery, HttpRequest.Builder request,
            long started, long deadline, IOException failure) {
        var tried = new ArrayList<InetSocketAddress>(List.of(first.address));
        IOException last = failure;
        while (tried.size() < MAX_TRIES && deadline - System.nanoTime() > 0) {
            Target next = retryTarget(tried, started);
            if (next == null) {
                break;
            }
            tried.add(next.address);
            try {
                return attempt(next, pathAndQuery, request, deadline);
            } catch (IOException again) {
                last = again;
                // A GET or HEAD closed again goes on to a third address: after a node restarts,
                // swarm may run two of its old replicas for a moment, each closing as it stops.
                boolean safeClosedAgain = SAFE.contains(method) && HttpCalls.cutShort(again);
                if (!HttpCalls.connectFailed(again) && !safeClosedAgain) {
                    break;
                }
                if (!safeClosedAgain) {
                    suspect(next, again);
                }
            }
        }
        throw HttpCalls.failure(tried.size() == 1 ? name : name + " (" + tried.size() + " instances tried)", last);
    }

    /** One call to one address, whole body read, bounded by the deadline (System.nanoTime) and the body limit. */
    private HttpResponse<byte[]> attempt(Target target, String pathAndQuery, HttpRequest.Builder request, long deadline)
            throws IOException {
        HttpRequest built = request.copy().uri(URI.create(target.origin + pathAndQuery)).build();
        // A HEAD answer's Content-Length is the size of a GET's body, which never comes.
        HttpResponse<byte[]> answer = client.send(built, built.method().equals("HEAD")
                ? BodyHandlers.ofByteArray() : BoundedBody.handler(maxBodyBytes), deadline);
        target.answeredAt = System.nanoTime();
        return answer;
    }

    /**
     * A connect to the address failed, or a try on it was silent: checked again on a thread of its own with plain connects
     * (at most two, each given more time than the client's connect timeout), and set aside only
     * when the address refuses, is unreachable or stays silent. A failure of the gateway's own
     * (no file descriptor left, say) is no evidence against the address.
     */
    private void suspect(Target target, IOException why) {
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

    /** The next address round robin that is not set aside; 503 when the name has none or all are aside. */
    private Target choose() {
        Resolution resolution = resolution();
        if (resolution.targets.isEmpty()) {
            throw Problem.unavailable(name + " has no running instance");
        }
        Target target = pick(resolution.targets);
        if (target == null) {
            throw Problem.unavailable("no healthy " + name + " instance: every one failed to accept a connection"
                    + " in the last " + TimeUnit.NANOSECONDS.toMillis(setAsideNanos) + " ms");
        }
        return target;
    }

    /**
     * After the addresses {@code tried} failed, the name is looked up again (a replica may be gone
     * for good): 503 when it now has no address at all, else one not tried and not set aside, or null.
     */
    private Target retryTarget(List<InetSocketAddress> tried, long attemptStarted) {
        Resolution resolution = current;
        if (resolution.resolvedAt - attemptStarted < 0) {
            resolution = refresh(LOOKUP_WAIT, resolution);
        }
        if (resolution.targets.isEmpty()) {
            throw Problem.unavailable(name + " has no running instance left");
        }
        return pickForRetry(resolution.targets, tried);
    }

    /** The next address round robin that is not set aside, preferring one not under suspicion. */
    private Target pick(List<Target> targets) {
        int n = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        long now = System.nanoTime();
        Target suspected = null;
        for (int i = 0; i < n; i++) {
            Target target = targets.get((start + i) % n);
            if (!target.isAside(now)) {
                if (!target.confirming.get()) {
                    return target;
                }
                suspected = suspected == null ? target : suspected;
            }
        }
        return suspected;
    }

    /**
     * For a second try: of the addresses neither in {@code avoid} nor set aside, one not under
     * suspicion, the one that answered last. When a machine dies, every replica it ran goes quiet
     * at once, while the live ones keep answering: round robin could pick another dead one.
     */
    private Target pickForRetry(List<Target> targets, List<InetSocketAddress> avoid) {
        int n = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        long now = System.nanoTime();
        Target best = null;
        for (int i = 0; i < n; i++) {
            Target target = targets.get((start + i) % n);
            if (avoid.contains(target.address) || target.isAside(now)) {
                continue;
            }
            if (best == null || rankedAbove(target, best)) {
                best = target;
            }
        }
        return best;
    }

    private static boolean rankedAbove(Target candidate, Target best) {
        boolean candidateTrusted = !candidate.confirming.get();
        if (candidateTrusted != !best.confirming.get()) {
            return candidateTrusted;
        }
        if (best.answeredAt == 0 || candidate.answeredAt == 0) {
            return best.answeredAt == 0 && candidate.answeredAt != 0;
        }
        return candidate.answeredAt - best.answeredAt > 0;
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
        List<Target> targets = resolution().targets;
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
                var others = resolution().targets.stream().filter(other -> other != target)
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
}
