package net.portcullis.policy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.portcullis.policy.checks.DnsblCheck;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.NsdServer;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListSnapshot;
import net.portcullis.rules.Stage;

/**
 * Benchmark, not a test. (1) Connections checked per second against 5 DNSBL zones served by
 * NSD on loopback, warm cache and cold cache. (2) Local-list lookups with 1,000,000 entries,
 * against a plain HashSet lookup of the same addresses as baseline. Run with bench/blacklists.sh.
 */
public final class BlacklistBench {
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("bl-bench");
        Map<String, Path> zones = new LinkedHashMap<>();
        List<DnsblCheck.Zone> cfg = new ArrayList<>();
        for (int z = 1; z <= 5; z++) {
            String name = "bl" + z + ".bench.test";
            StringBuilder zone = new StringBuilder("$ORIGIN " + name + ".\n$TTL 300\n@ IN SOA ns." + name + ". h." + name
                    + ". 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n");
            for (int i = 0; i < 200; i++) {
                zone.append(i).append(".113.0.203 IN A 127.0.0.2\n");
            }
            Path f = Files.writeString(work.resolve(name + ".zone"), zone);
            zones.put(name, f);
            cfg.add(new DnsblCheck.Zone(name, Map.of(), 1));
        }
        ExecutorService pool = Executors.newCachedThreadPool();
        try (NsdServer nsd = new NsdServer(work, zones)) {
            DnsJavaResolver warm = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
            for (int round = 1; round <= 3; round++) {
                double w = perConnection(new DnsblCheck(warm, cfg, false, pool), 20_000);
                double c = perConnectionCold(nsd, cfg, pool, 300);
                System.out.printf("round %d: 5 zones, warm cache %.1f us/connection (%.0f/s), cold cache %.0f us/connection (%.0f/s)%n",
                        round, w, 1e6 / w, c, 1e6 / c);
            }
        } finally {
            pool.shutdownNow();
        }

        int n = 1_000_000;
        List<ListEntry> entries = new ArrayList<>(n);
        Set<String> baseline = new HashSet<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            String ip = "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
            String v = i % 10 == 0 ? "11." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + ".0/24" : ip;
            entries.add(new ListEntry(i, ListEntry.Color.BLACK, ListEntry.Kind.IP, v, "r", "bench", now, null));
            baseline.add(ip);
        }
        long t0 = System.nanoTime();
        ListSnapshot snap = ListSnapshot.of(ListEntry.Color.BLACK, entries, now);
        System.out.printf("snapshot of %d entries built in %d ms%n", snap.size(), (System.nanoTime() - t0) / 1_000_000);
        InetAddress[] probes = new InetAddress[4096];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = InetAddress.getByName((i % 3 == 0 ? "11." : "10.") + (i & 0xf) + "." + (i >> 4 & 0xff) + "." + (i * 7 & 0xff));
        }
        for (int round = 1; round <= 3; round++) {
            long hits = 0;
            long s0 = System.nanoTime();
            for (int i = 0; i < 2_000_000; i++) {
                if (snap.ip(probes[i & 4095]).isPresent()) {
                    hits++;
                }
            }
            double listNs = (System.nanoTime() - s0) / 2_000_000.0;
            s0 = System.nanoTime();
            long base = 0;
            for (int i = 0; i < 2_000_000; i++) {
                if (baseline.contains(probes[i & 4095].getHostAddress())) {
                    base++;
                }
            }
            double setNs = (System.nanoTime() - s0) / 2_000_000.0;
            System.out.printf("round %d: 1M-entry list lookup %.0f ns (%.1f M/s), HashSet-of-strings baseline %.0f ns; ratio %.2f (hits %d/%d)%n",
                    round, listNs, 1e3 / listNs, setNs, listNs / setNs, hits, base);
        }
    }

    private static double perConnection(DnsblCheck check, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Client c = new Client(InetAddress.getByName("203.0.113." + (i % 250)), null, null, false, null);
            check.run(new Event(Stage.CONNECT, c, null, null, null));
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    private static double perConnectionCold(NsdServer nsd, List<DnsblCheck.Zone> cfg, ExecutorService pool, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            DnsJavaResolver fresh = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
            Client c = new Client(InetAddress.getByName("203.0.113." + (i % 250)), null, null, false, null);
            new DnsblCheck(fresh, cfg, false, pool).run(new Event(Stage.CONNECT, c, null, null, null));
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }
}
