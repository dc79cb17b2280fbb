package dev.desafios.gateway;

import dev.desafios.common.Config;
import dev.desafios.common.IpBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TRUSTED_PROXIES}: the proxies in front of the gateway, as addresses or CIDR blocks
 * separated by commas (empty by default: the gateway is the edge). Only a trusted peer's
 * {@code X-Forwarded-For} is kept (and appended to); from anyone else it is replaced by the peer's
 * address, since a client can write anything there.
 */
final class TrustedProxies {
    private static final int MAX_ENTRIES = 20;

    private final List<IpBlock> blocks;

    private TrustedProxies(List<IpBlock> blocks) {
        this.blocks = blocks;
    }

    /** None trusted. */
    static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Reads {@code TRUSTED_PROXIES} ({@code 10.0.0.5, 172.18.0.0/16, fd00::/8}); a bad entry stops the service. */
    static TrustedProxies from(Config config) {
        String text = config.text("TRUSTED_PROXIES", "").strip();
        var blocks = new ArrayList<IpBlock>();
        if (!text.isEmpty()) {
            for (String entry : text.split(",")) {
                IpBlock block = IpBlock.parse(entry.strip());
                if (block == null) {
                    throw Config.ConfigException.invalid("TRUSTED_PROXIES", text,
                            "IP addresses or CIDR blocks separated by commas, such as 10.0.0.5, 172.18.0.0/16");
                }
                blocks.add(block);
            }
        }
        return new TrustedProxies(List.copyOf(blocks));
    }

    boolean isTrusted(String address) {
        if (blocks.isEmpty()) {
            return false;
        }
        byte[] bytes = IpBlock.literal(address);
        return bytes != null && blocks.stream().anyMatch(block -> block.contains(bytes));
    }

    /**
     * The {@code X-Forwarded-For} sent upstream: the peer alone, or, when the peer is trusted and
     * sent a well-formed list, that list with the peer appended.
     */
    String forwardedFor(String existing, String peer) {
        List<String> list = isTrusted(peer) ? list(existing) : List.of();
        if (list.isEmpty()) {
            return peer;
        }
        return String.join(", ", list) + ", " + peer;
    }

    /** The client's address: the rightmost entry of the forwarded chain that is not a trusted proxy. */
    String client(String existing, String peer) {
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> list = list(existing);
        for (int i = list.size() - 1; i >= 0; i--) {
            if (!isTrusted(list.get(i))) {
                return list.get(i);
            }
        }
        return list.isEmpty() ? peer : list.get(0);
    }

    /** The entries of a list of IP literals; empty when it is missing, too long or has anything else. */
    private static List<String> list(String header) {
        if (header == null || header.length() > MAX_ENTRIES * 46) {
            return List.of();
        }
        var entries = new ArrayList<String>();
        for (String part : header.split(",", -1)) {
            String entry = part.strip();
            if (IpBlock.literal(entry) == null || entries.size() == MAX_ENTRIES) {
                return List.of();
            }
            entries.add(entry);
        }
        return entries;
    }
}
