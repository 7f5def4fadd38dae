package net.portcullis.policy.dns;

import java.net.InetAddress;

/** The in-addr.arpa / ip6.arpa name of an address (RFC 1035 3.5, RFC 3596 2.5). */
public final class ReverseNames {
    private ReverseNames() {
    }

    public static String of(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                s.append(b[i] & 0xff).append('.');
            }
            return s.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            s.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return s.append("ip6.arpa").toString();
    }
}
