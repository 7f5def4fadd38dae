package net.portcullis.policy.dns;

import java.net.InetAddress;

/** The in-addr.arpa / ip6.arpa name of an address (RFC 1035 3.5, RFC 3596 2.5). */
public final class ReverseNames {
    private ReverseNames() {
    }

    public static String of(InetAddress address) {
        return reversed(address) + (address.getAddress().length == 4 ? ".in-addr.arpa" : ".ip6.arpa");
    }

    /** The address's labels in reverse, without the arpa suffix: how DNS lists are asked (RFC 5782 2.1 and 2.4). */
    public static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                s.append(b[i] & 0xff).append(i > 0 ? "." : "");
            }
            return s.toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            s.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(i > 0 ? "." : "");
        }
        return s.toString();
    }
}
