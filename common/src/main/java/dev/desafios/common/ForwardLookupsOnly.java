package dev.desafios.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Name lookups as the JDK does them; reverse lookups (an address to a name) never made. The JDK's
 * HTTPS server asks the name of every client that connects ({@code InetSocketAddress.getHostName}
 * in its TLS setup), and on a Docker network that PTR query may wait seconds for an answer that
 * does not come, pinning a thread per connection: a few hundred handshakes then took every thread
 * the container may have. No service needs a client's name: without one, {@code getHostName}
 * answers the address itself. Installed for every service through {@code META-INF/services}.
 */
public final class ForwardLookupsOnly extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                throw new UnknownHostException("reverse lookups are not made");
            }
        };
    }

    @Override
    public String name() {
        return "forward lookups only";
    }
}
