package dev.desafios.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Where a service name points: every address it resolves to (Docker DNS round robin), or tests' own. */
@FunctionalInterface
interface Addresses {
    /** The addresses of {@code host}, each with {@code port}; an unknown name throws or answers none. */
    List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException;

    /** The system resolver: in a container, Docker's embedded DNS, one A record per replica. */
    static Addresses dns() {
        return (host, port) -> {
            var addresses = new ArrayList<InetSocketAddress>();
            for (InetAddress address : InetAddress.getAllByName(host)) {
                addresses.add(new InetSocketAddress(address, port));
            }
            return addresses;
        };
    }
}
