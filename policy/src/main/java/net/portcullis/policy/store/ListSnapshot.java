package net.portcullis.policy.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.portcullis.rules.Network;

/**
 * All list entries in memory, indexed so that a lookup costs a few hash probes whatever the
 * number of entries: addresses and ranges by prefix length (at most 33 or 129 probes), domains
 * by each parent suffix, envelope addresses exactly. Rebuilt from the store on refresh, so a
 * busy gateway never asks the database per connection.
 */
public final class ListSnapshot {
    private final Map<Integer, Map<String, ListEntry>> ipByPrefix = new HashMap<>();
    private final Map<String, ListEntry> domains = new HashMap<>();
    private final Map<String, ListEntry> addresses = new HashMap<>();
    private final Map<String, ListEntry> links = new HashMap<>();
    private final int size;

    private ListSnapshot(ListEntry.Color color, List<ListEntry> entries, Instant now) {
        int n = 0;
        for (ListEntry e : entries) {
            if (e.color() != color || e.expiredAt(now)) {
                continue;
            }
            n++;
            switch (e.kind()) {
                case IP -> {
                    Network net = Network.parse(e.value());
                    String[] p = net.toString().split("/");
                    ipByPrefix.computeIfAbsent(Integer.parseInt(p[1]) + (p[0].contains(":") ? 1000 : 0), k -> new HashMap<>())
                            .put(p[0], e);
                }
                case DOMAIN -> domains.put(e.value(), e);
                case LINK -> links.put(e.value(), e);
                default -> addresses.put(e.value().toLowerCase(Locale.ROOT), e);
            }
        }
        size = n;
    }

    public static ListSnapshot of(ListEntry.Color color, List<ListEntry> entries, Instant now) {
        return new ListSnapshot(color, entries, now);
    }

    public int size() {
        return size;
    }

    public Optional<ListEntry> ip(InetAddress address) {
        byte[] a = address.getAddress();
        int bits = a.length * 8;
        int offset = a.length == 16 ? 1000 : 0;
        for (Map.Entry<Integer, Map<String, ListEntry>> byLen : ipByPrefix.entrySet()) {
            int len = byLen.getKey() - offset;
            if (len < 0 || len > bits) {
                continue;
            }
            ListEntry e = byLen.getValue().get(masked(a, len));
            if (e != null) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public Optional<ListEntry> domain(String domain) {
        return Optional.ofNullable(net.portcullis.policy.DomainSuffixes.find(domain, domains::get));
    }

    /** Whether any link-domain entry is in force. */
    public boolean hasLinks() {
        return !links.isEmpty();
    }

    /** The link-domain entry for a domain links point to, or for one of its parents. */
    public Optional<ListEntry> link(String domain) {
        return Optional.ofNullable(net.portcullis.policy.DomainSuffixes.find(domain, links::get));
    }

    public Optional<ListEntry> address(String address) {
        if (address == null || address.isEmpty()) {
            return Optional.empty();
        }
        ListEntry e = addresses.get(address.toLowerCase(Locale.ROOT));
        if (e != null) {
            return Optional.of(e);
        }
        return domain(address.substring(address.lastIndexOf('@') + 1));
    }

    private static String masked(byte[] a, int bits) {
        byte[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            m[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(m).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
