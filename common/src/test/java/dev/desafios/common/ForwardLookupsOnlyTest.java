package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The installed resolver: names still resolve, addresses are never turned back into names. */
class ForwardLookupsOnlyTest {

    @Test
    void nameOfAnAddress_isTheAddressItself_withoutALookup() throws Exception {
        // 192.0.2.1 (documentation) has no PTR record: a lookup would wait on the resolver.
        var client = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 443);
        long started = System.nanoTime();

        assertEquals("192.0.2.1", client.getHostName());
        assertTrue(System.nanoTime() - started < 100_000_000L, "the name was looked up");
    }

    @Test
    void loopbackAddress_notNamedLocalhost_asTheHostsFileWouldHaveIt() throws Exception {
        var loopback = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 8443);

        assertEquals("127.0.0.1", loopback.getHostName());
    }

    @Test
    void forwardLookups_stillAnswered() throws Exception {
        assertTrue(InetAddress.getByName("localhost").isLoopbackAddress());
    }
}
