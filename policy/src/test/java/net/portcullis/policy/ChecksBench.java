package net.portcullis.policy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.portcullis.policy.checks.AuthenticationCheck;
import net.portcullis.policy.checks.HeaderCheck;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.ReverseDnsCheck;
import net.portcullis.policy.checks.SpfCheck;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.NsdServer;
import net.portcullis.rules.Stage;

/**
 * Benchmark, not a test: the transmission checks of one transaction (reverse DNS, HELO, SPF for
 * HELO and MAIL FROM, headers, DKIM and DMARC of a signed message) against a real DNS server on
 * loopback, with the resolver cache warm, and with a cold cache (a new resolver each time) to
 * show what uncached answers add. Run with bench/checks.sh.
 */
public final class ChecksBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path zones = Path.of("policy/src/test/resources/zones").toAbsolutePath();
        Path work = Files.createTempDirectory("checks-bench");
        Map<String, Path> z = new LinkedHashMap<>();
        z.put("portcullis-sender.com", zones.resolve("portcullis-sender.com.zone"));
        z.put("113.0.203.in-addr.arpa", zones.resolve("113.0.203.in-addr.arpa.zone"));
        try (NsdServer nsd = new NsdServer(work, z)) {
            Path msg = Files.writeString(work.resolve("m.eml"), "From: News <news@portcullis-sender.com>\nTo: u@example.net\n"
                    + "Subject: bench\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <b@portcullis-sender.com>\n\n"
                    + "Hello.\n".repeat(60));
            Process p = new ProcessBuilder("dkimsign", "sel", "portcullis-sender.com", zones.resolve("dkim-test-private.key").toString())
                    .redirectInput(msg.toFile()).start();
            byte[] signed = p.getInputStream().readAllBytes();
            p.waitFor();
            MessageFacts message = net.portcullis.policy.dkim.Messages.of(signed);
            Client client = new Client(InetAddress.getByName("203.0.113.5"), "mail.portcullis-sender.com", "mail.portcullis-sender.com",
                    false, null);
            DnsJavaResolver warm = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
            double[] warmRuns = new double[5];
            double[] coldRuns = new double[5];
            for (int round = 0; round < 5; round++) {
                warmRuns[round] = perTransaction(n, () -> warm, client, message);
                coldRuns[round] = perTransaction(Math.max(50, n / 10),
                        () -> new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2)), client, message);
                System.out.printf("round %d: warm cache %.0f us/transaction (%.0f/s), cold cache %.0f us/transaction%n",
                        round + 1, warmRuns[round], 1e6 / warmRuns[round], coldRuns[round]);
            }
            Arrays.sort(warmRuns);
            Arrays.sort(coldRuns);
            System.out.printf("median: warm %.0f us (%.0f transactions/s of checks), cold %.0f us; an uncached DNS path adds %.0f us%n",
                    warmRuns[2], 1e6 / warmRuns[2], coldRuns[2], coldRuns[2] - warmRuns[2]);
        }
    }

    interface Resolvers {
        DnsJavaResolver get();
    }

    private static double perTransaction(int n, Resolvers resolvers, Client client, MessageFacts message) throws Exception {
        long t0 = System.nanoTime();
        long signals = 0;
        for (int i = 0; i < n; i++) {
            DnsJavaResolver dns = resolvers.get();
            SignalMap m = new SignalMap(null);
            Event connect = new Event(Stage.CONNECT, client, "news@portcullis-sender.com", null, message, m);
            for (Check c : List.of(new ReverseDnsCheck(dns, ReverseDnsCheck.defaultPatterns()),
                    new HeloCheck(dns, "mx.example.net", Set.of("example.net"), Set.of()),
                    new SpfCheck(dns, "mx.example.net", SpfCheck.Identity.HELO),
                    new SpfCheck(dns, "mx.example.net", SpfCheck.Identity.MAIL_FROM),
                    new HeaderCheck("mx.example.net", Set.of("example.net"), Clock.systemUTC()),
                    new AuthenticationCheck(dns, Clock.systemUTC()))) {
                for (Signal s : c.run(connect)) {
                    m.put(s);
                    signals++;
                }
            }
        }
        if (signals == 0) {
            throw new IllegalStateException("no signals");
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }
}
