package net.portcullis.policy.dns;

import java.net.InetAddress;

/** The gateway's one resolver. Implementations: {@link DnsJavaResolver} (real), {@link InMemoryDns} (tests). */
public interface Dns {
    /** PTR names of an address. */
    DnsAnswer ptr(InetAddress address);

    /**
     * The PTR answer when it can be had without waiting on the network (from a cache), else null:
     * the gateway then asks on another thread while the client is greeted.
     */
    default DnsAnswer ptrIfCached(InetAddress address) {
        return null;
    }

    /** The PTR answer: at once when cached, else asked on {@code lookups} while the caller goes on. */
    default java.util.concurrent.CompletableFuture<DnsAnswer> ptrSoon(InetAddress address, java.util.concurrent.Executor lookups) {
        DnsAnswer cached = ptrIfCached(address);
        return cached != null ? java.util.concurrent.CompletableFuture.completedFuture(cached)
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> ptr(address), lookups);
    }

    /** Records of a type ("A", "AAAA", "TXT", "MX", "PTR") at a name; TXT strings joined as RFC 7208 says. */
    DnsAnswer lookup(String name, String type);
}
