package net.portcullis.policy.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A resolver over records held in memory, for unit tests: fast and deterministic. */
public final class InMemoryDns implements Dns {
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    private static String key(String name, String type) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n + " " + type.toUpperCase(Locale.ROOT);
    }

    public InMemoryDns add(String name, String type, String value) {
        records.computeIfAbsent(key(name, type), k -> new ArrayList<>()).add(value);
        return this;
    }

    /** Makes every query for this name and type time out. */
    public InMemoryDns fail(String name, String type) {
        failing.put(key(name, type), true);
        return this;
    }

    @Override
    public DnsAnswer ptr(InetAddress address) {
        return lookup(ReverseNames.of(address), "PTR");
    }

    @Override
    public DnsAnswer lookup(String name, String type) {
        String k = key(name, type);
        if (failing.containsKey(k)) {
            return DnsAnswer.tempfail("simulated timeout for " + name + "/" + type);
        }
        List<String> v = records.get(k);
        if (v != null) {
            return DnsAnswer.of(v);
        }
        String prefix = key(name, "").trim();
        boolean nameExists = records.keySet().stream().anyMatch(x -> x.startsWith(prefix + " "));
        return nameExists ? DnsAnswer.of(List.of()) : DnsAnswer.nxdomain(name + " does not exist");
    }
}
