package dev.desafios.gateway;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import dev.desafios.common.Log;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every address one upstream's name resolves to (Docker DNS round robin: one per replica). The
 * name is resolved by the gateway itself and the list reused for the DNS TTL, so that
 * {@link Upstream} can balance over the replicas and go on to another when one fails; the JVM
 * keeps no answers of its own. Each address keeps its {@link Target} across lookups, and with it
 * whether it is set aside. A lookup runs on a thread of its own, and a request waits for it only
 * briefly: a slow DNS must not hold requests that the previous answer can serve.
 */
final class AddressBook {
    /** How long a request waits for a slow name lookup before it uses the previous answer. */
    private static final Duration LOOKUP_WAIT = Duration.ofMillis(100);
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
    record Resolution(List<Target> targets, long resolvedAt, long expiresAt, String failure) {
    }

    private final String name;
    private final String host;
    private final int port;
    private final String basePath;
    private final Addresses addresses;
    private final long ttlNanos;
    private final AtomicReference<CompletableFuture<Resolution>> lookup = new AtomicReference<>();
    private volatile Resolution current;

    /** The service {@code name} at {@code url}: its host is resolved, its path prefixes every address. */
    AddressBook(String name, URI url, Addresses addresses, Duration ttl) {
        this.name = name;
        this.host = url.getHost();
        this.port = url.getPort() < 0 ? 80 : url.getPort();
        this.basePath = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        this.addresses = addresses;
        this.ttlNanos = ttl.toNanos();
        this.current = new Resolution(List.of(), System.nanoTime(), System.nanoTime(), "not resolved yet");
    }

    /**
     * Waits until every upstream's name resolves to an address, at most {@code wait}; after that
     * the gateway starts anyway (its requests get 503 until the names resolve) and says which did not.
     */
    static void awaitAddresses(Duration wait, AddressBook... books) {
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        List<String> missing;
        boolean waited = false;
        do {
            missing = Arrays.stream(books)
                    .filter(book -> !book.resolves()).map(AddressBook::name).toList();
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

    /** The address list as last looked up, however old. */
    Resolution current() {
        return current;
    }

    /** The address list, looked up again once it is older than the TTL. */
    Resolution resolution() {
        Resolution resolution = current;
        if (System.nanoTime() - resolution.expiresAt < 0) {
            return resolution;
        }
        return refresh(resolution.targets.isEmpty() ? LOOKUP_WAIT.multipliedBy(5) : LOOKUP_WAIT, resolution);
    }

    /**
     * The address list, looked up again when it was made before {@code started} (System.nanoTime):
     * after a request's tries failed, a replica may be gone for good.
     */
    Resolution resolvedSince(long started) {
        Resolution resolution = current;
        if (resolution.resolvedAt - started < 0) {
            resolution = refresh(LOOKUP_WAIT, resolution);
        }
        return resolution;
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
}
