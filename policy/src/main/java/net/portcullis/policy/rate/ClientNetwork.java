package net.portcullis.policy.rate;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A client's network as the rate limits and the greylist count it: a /24 or /64 by default, as CIDR text. */
public final class ClientNetwork {
    private ClientNetwork() {
    }

    public static String of(InetAddress a, int v4Prefix, int v6Prefix) {
        int bits = a instanceof Inet4Address ? v4Prefix : v6Prefix;
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a valid length, always
        }
    }
}
