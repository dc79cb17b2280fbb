package dev.desafios.gateway;

import dev.desafios.common.BoundedBody;
import dev.desafios.common.CallClient;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Problem;
import dev.desafios.gateway.AddressBook.Resolution;
import dev.desafios.gateway.AddressBook.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * One service behind the gateway (users or orders), balanced across every address its name
 * resolves to. The name is resolved by the gateway itself and the list reused for the DNS TTL
 * ({@link AddressBook}); requests go round robin over the addresses. A request whose connect
 * fails (nothing was sent) goes on to another address within the same deadline, up to three
 * addresses; an idempotent one is also tried once more when its first try stays unanswered past
 * the try timeout (a reused connection to a machine that is gone is silent, not refused), or is
 * closed or reset before a whole answer (a replica that stops closes its kept connections). A
 * failed connect or a silent try has the address checked again apart from any request (a plain
 * connect, twice at most: {@link AddressChecks}), and set aside for a while only when that fails
 * too: a gateway starved of CPU misses its own connect timeouts, and a slow replica still accepts
 * connections. Nothing else after the request was sent (a close, a reset, garbage, any status)
 * sets the address aside, and garbage or a status is never retried: a client chooses what it
 * sends, and must not be able to take an address out of rotation with it. Failures left over
 * become problems: refused or reset 502, timeout 504, no address to try 503 (RFC 9110).
 */
final class Upstream {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    /** Methods that change nothing: a request of these that makes replicas close may go to a third. */
    private static final Set<String> SAFE = Set.of("GET", "HEAD");
    /** Second tries of a request that may have been sent, running at once: an overloaded service is not sent twice the load. */
    private static final int RETRIES_AFTER_SEND = 8;
    /** Addresses one request may try: connects that fail move on to the next, up to this many. */
    private static final int MAX_TRIES = 3;

    private final String name;
    private final AddressBook addressBook;
    private final AddressChecks checks;
    private final CallClient client;
    private final Duration requestTimeout;
    /** How long a first try may be silent before another address is tried; 0 when never. */
    private final long tryTimeoutNanos;
    private final Semaphore retriesAfterSend = new Semaphore(RETRIES_AFTER_SEND);
    /** Calls in flight to this service (the bulkhead): past UPSTREAM_MAX_IN_FLIGHT, a 503 at once. */
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final long maxBodyBytes;
    private final Rotation rotation;

    private final GatewayMetrics metrics;

    /** The service {@code name} at {@code url} (its host is resolved, its path prefixes every call). */
    Upstream(String name, URI url, Addresses addresses, CallClient client, GatewaySettings settings,
            GatewayMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        this.addressBook = new AddressBook(name, url, addresses, settings.dnsTtl());
        this.checks = new AddressChecks(addressBook, client, settings, metrics);
        this.client = client;
        this.rotation = new Rotation(name, addressBook, settings.setAside().toNanos());
        this.requestTimeout = settings.requestTimeout();
        this.tryTimeoutNanos = settings.tryTimeout().compareTo(settings.requestTimeout()) < 0
                ? settings.tryTimeout().toNanos() : 0;
        this.maxBodyBytes = settings.maxUpstreamBodyBytes();
        this.maxInFlight = settings.maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** The addresses the name resolves to, as requests use them (and the start-up wait). */
    AddressBook addressBook() {
        return addressBook;
    }

    /** The health probes of the addresses, for the background checks and the gateway's own /health. */
    AddressChecks checks() {
        return checks;
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
        Target first = rotation.first();
        boolean idempotent = IDEMPOTENT.contains(method);
        long firstDeadline = idempotent && tryTimeoutNanos > 0 && addressBook.current().targets().size() > 1
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
                checks.suspect(first, failure);
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
        Resolution resolution = addressBook.current();
        if (resolution.targets().size() < 2 || deadline - System.nanoTime() <= 0 || !retriesAfterSend.tryAcquire()) {
            return unavailable;
        }
        try {
            Target other = rotation.other(resolution.targets(), List.of(first.address));
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
            Target next = rotation.retry(tried, started);
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
                    checks.suspect(next, again);
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
}
