package net.portcullis.rules;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** A list of ranges, answering which one (if any) holds an address. */
public record Networks(List<Network> ranges) {
    public Networks {
        ranges = List.copyOf(ranges);
    }

    public static Networks parse(List<String> texts) {
        return new Networks(texts.stream().map(Network::parse).toList());
    }

    public Optional<Network> match(InetAddress address) {
        // An IPv4-mapped IPv6 client (::ffff:a.b.c.d) must match IPv4 ranges.
        InetAddress a = unmapped(address);
        for (Network n : ranges) {
            if (n.contains(a)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries; others unchanged. */
    public static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }
}
