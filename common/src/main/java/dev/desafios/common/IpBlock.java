package dev.desafios.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address block ({@code 172.18.0.0/16}, {@code fd00::/8}, or one address). */
public final class IpBlock {
    /** An IPv4 or IPv6 literal: never a name, which would make a lookup of something a client wrote. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:.]{2,45}");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final byte[] network;
    private final int bits;

    private IpBlock(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
    }

    /** The block written as an address or address/bits, or null for anything else. */
    public static IpBlock parse(String entry) {
        int slash = entry.indexOf('/');
        byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null) {
            return null;
        }
        int max = address.length * 8;
        if (slash < 0) {
            return new IpBlock(address, max);
        }
        String bits = entry.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > max) {
            return null;
        }
        return new IpBlock(address, Integer.parseInt(bits));
    }

    /** The bytes of an IP literal, or null for anything else (names are never looked up). */
    public static byte[] literal(String text) {
        if (text == null || !LITERAL.matcher(text).matches() || (text.indexOf(':') < 0 && !IPV4.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & mask);
    }
}
