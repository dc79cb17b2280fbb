package dev.desafios.gateway;

import dev.desafios.common.Problem;
import dev.desafios.gateway.AddressBook.Resolution;
import dev.desafios.gateway.AddressBook.Target;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which address of one upstream a try goes to: round robin over the addresses that are not set
 * aside, preferring one not under suspicion; for a second try, the one that answered last. No
 * address to choose at all is the upstream's 503.
 */
final class Rotation {
    private final String name;
    private final AddressBook addressBook;
    private final long setAsideNanos;
    private final AtomicInteger next = new AtomicInteger();

    /** The rotation over {@code addressBook}'s addresses of the service {@code name}. */
    Rotation(String name, AddressBook addressBook, long setAsideNanos) {
        this.name = name;
        this.addressBook = addressBook;
        this.setAsideNanos = setAsideNanos;
    }

    /** The next address round robin that is not set aside; 503 when the name has none or all are aside. */
    Target first() {
        Resolution resolution = addressBook.resolution();
        if (resolution.targets().isEmpty()) {
            throw Problem.unavailable(name + " has no running instance");
        }
        Target target = best(resolution.targets(), List.of(), false);
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
    Target retry(List<InetSocketAddress> tried, long attemptStarted) {
        Resolution resolution = addressBook.resolvedSince(attemptStarted);
        if (resolution.targets().isEmpty()) {
            throw Problem.unavailable(name + " has no running instance left");
        }
        return other(resolution.targets(), tried);
    }

    /**
     * For a second try: of the addresses neither in {@code avoid} nor set aside, one not under
     * suspicion, the one that answered last. When a machine dies, every replica it ran goes quiet
     * at once, while the live ones keep answering: round robin could pick another dead one.
     */
    Target other(List<Target> targets, List<InetSocketAddress> avoid) {
        return best(targets, avoid, true);
    }

    /**
     * Of the addresses neither in {@code avoid} nor set aside, taken round robin, the first one not
     * under suspicion (else the first one), or, {@code byLastAnswer}, of those the one that
     * answered last; null when none is left.
     */
    private Target best(List<Target> targets, List<InetSocketAddress> avoid, boolean byLastAnswer) {
        int n = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        long now = System.nanoTime();
        Target best = null;
        for (int i = 0; i < n; i++) {
            Target target = targets.get((start + i) % n);
            if (avoid.contains(target.address) || target.isAside(now)) {
                continue;
            }
            if (best == null || rankedAbove(target, best, byLastAnswer)) {
                best = target;
            }
        }
        return best;
    }

    private static boolean rankedAbove(Target candidate, Target best, boolean byLastAnswer) {
        boolean candidateTrusted = !candidate.confirming.get();
        if (candidateTrusted != !best.confirming.get()) {
            return candidateTrusted;
        }
        if (!byLastAnswer) {
            return false;
        }
        if (best.answeredAt == 0 || candidate.answeredAt == 0) {
            return best.answeredAt == 0 && candidate.answeredAt != 0;
        }
        return candidate.answeredAt - best.answeredAt > 0;
    }
}
