package net.portcullis.policy.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The real resolver, on dnsjava: the configured servers (or the system's), UDP with TCP
 * fallback on truncation (dnsjava's SimpleResolver does this), a per-query timeout, and a cache
 * that honours TTLs, negative answers included (dnsjava's Cache, RFC 2308).
 */
public final class DnsJavaResolver implements Dns {
    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    private final LongAdder queries = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    public DnsJavaResolver(List<InetSocketAddress> servers, Duration timeout) {
        List<InetSocketAddress> targets = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress s : targets) {
            SimpleResolver r = new SimpleResolver(s);
            r.setTimeout(timeout);
            resolvers.add(r);
        }
        ExtendedResolver ext = new ExtendedResolver(resolvers);
        ext.setTimeout(timeout);
        ext.setRetries(1);
        this.resolver = ext;
    }

    /** Look-ups asked of this resolver, answered from the cache or not. */
    public long queries() {
        return queries.sum();
    }

    /** Look-ups answered from the cache (positive or negative), without a packet sent. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Look-ups that ended in a temporary failure (timeout, SERVFAIL, network error). */
    public long failures() {
        return failures.sum();
    }

    /** Total time spent waiting for DNS servers, in nanoseconds. */
    public long nanosWaiting() {
        return nanos.sum();
    }

    @Override
    public DnsAnswer ptr(InetAddress address) {
        return lookup(ReverseNames.of(address), "PTR");
    }

    @Override
    public DnsAnswer ptrIfCached(InetAddress address) {
        return cached(ReverseNames.of(address), Type.PTR) ? ptr(address) : null;
    }

    /** Whether the cache holds an answer for this name and type, positive or negative. */
    private boolean cached(String name, int type) {
        try {
            org.xbill.DNS.SetResponse r = cache.lookupRecords(Name.fromString(name.endsWith(".") ? name : name + "."), type,
                    org.xbill.DNS.Credibility.NORMAL);
            return r != null && (r.isSuccessful() || r.isNXDOMAIN() || r.isNXRRSET());
        } catch (TextParseException e) {
            return false;
        }
    }

    @Override
    public DnsAnswer lookup(String name, String type) {
        int t = Type.value(type);
        if (t < 0) {
            throw new IllegalArgumentException("unknown DNS type " + type);
        }
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), t, DClass.IN);
        } catch (TextParseException e) {
            return DnsAnswer.nxdomain("'" + name + "' is not a valid DNS name");
        }
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setSearchPath((Name[]) null);
        queries.increment();
        boolean hit = cached(name, t);
        long t0 = System.nanoTime();
        Record[] records = lookup.run();
        if (hit) {
            cacheHits.increment();
        } else {
            nanos.add(System.nanoTime() - t0);
        }
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<String> values = new ArrayList<>();
                for (Record r : records) {
                    values.add(r instanceof TXTRecord txt ? text(txt) : stripDot(r.rdataToString()));
                }
                return DnsAnswer.of(values);
            }
            case Lookup.HOST_NOT_FOUND -> {
                return DnsAnswer.nxdomain(name + " does not exist");
            }
            case Lookup.TYPE_NOT_FOUND -> {
                return DnsAnswer.of(List.of());
            }
            default -> {
                failures.increment();
                return DnsAnswer.tempfail(name + "/" + type + ": " + lookup.getErrorString());
            }
        }
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * A TXT record's strings joined, as the octets the zone holds read as UTF-8: getStrings() would
     * escape every octet over 0x7e as \\ddd, and SPF's "no non-ASCII" rule (RFC 7208 3.1) would never see one.
     */
    private static String text(TXTRecord txt) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] s : txt.getStringsAsByteArrays()) {
            b.writeBytes(s);
        }
        return b.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
