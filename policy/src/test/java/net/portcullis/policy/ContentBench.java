package net.portcullis.policy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.portcullis.policy.av.Clamd;
import net.portcullis.policy.checks.AntivirusCheck;
import net.portcullis.policy.checks.AttachmentCheck;
import net.portcullis.policy.checks.DnsblCheck;
import net.portcullis.policy.checks.HeaderCheck;
import net.portcullis.policy.checks.UriblCheck;
import net.portcullis.policy.content.Attachments;
import net.portcullis.policy.content.LinkHosts;
import net.portcullis.policy.content.MimeWalk;
import net.portcullis.policy.dkim.Messages;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.dns.NsdServer;

/**
 * Benchmark, not a test: the content checks' cost per message over the spam and ham of
 * ../shared/testdata (copied to src/test/resources/spamham), as ratios against the header check
 * on the same messages in the same run: link extraction alone, the URIBL check with its look-ups
 * against NSD on loopback (cache warm), the attachment check, and clamd when CLAMD=host:port is
 * set. Run with bench/content.sh.
 */
public final class ContentBench {
    interface Work {
        void run(MessageFacts m) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<MessageFacts> corpus = new ArrayList<>();
        for (String dir : List.of("nice", "spam")) {
            try (Stream<Path> files = Files.list(Path.of("policy/src/test/resources/spamham", dir))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    corpus.add(Messages.of(Files.readAllBytes(f)));
                }
            }
        }
        Path work = Files.createTempDirectory("content-bench");
        String soa = "@ IN SOA ns.bench.test. h.bench.test. 1 3600 600 86400 300\n@ IN NS ns.bench.test.\n";
        Path zone = Files.writeString(work.resolve("dbl.zone"), "$ORIGIN dbl.bench.test.\n$TTL 300\n" + soa
                + "uribl-example-a.com IN A 127.0.1.2\nspamassassin.org IN A 127.0.1.4\n");
        try (NsdServer nsd = new NsdServer(work, Map.of("dbl.bench.test", zone))) {
            DnsJavaResolver dns = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
            Client client = new Client(InetAddress.getByName("203.0.113.5"), "mail.other.example", "mail.other.example", false, null);
            HeaderCheck headers = new HeaderCheck("mx.example.net", Set.of("example.net"), Clock.systemUTC());
            UriblCheck uribl = new UriblCheck(dns, new UriblCheck.Settings(List.of(new DnsblCheck.Zone("dbl.bench.test", Map.of(), 1)), 20,
                    Set.of(), MimeWalk.Limits.DEFAULT, 1000), LocalDomains.of(Set.of("example.net")),
                () -> net.portcullis.policy.store.Lists.of(List.of(), java.time.Clock.systemUTC()), Runnable::run);
            AttachmentCheck attachments = new AttachmentCheck(new AttachmentCheck.Settings(MimeWalk.Limits.DEFAULT,
                    Attachments.Limits.DEFAULT));
            String clamdAt = System.getenv("CLAMD");
            AntivirusCheck av = clamdAt == null || clamdAt.isBlank() ? null
                    : new AntivirusCheck(new AntivirusCheck.Settings(new Clamd(List.of(Clamd.Server.parse(clamdAt)), Duration.ofSeconds(10)),
                            25L << 20));
            Work base = m -> headers.run(event(client, m));
            Work links = m -> MimeWalk.walk(m, MimeWalk.Limits.DEFAULT, new LinkHosts(1000)::add);
            Work lookups = m -> uribl.run(event(client, m));
            Work files = m -> attachments.run(event(client, m));
            Work scan = av == null ? null : m -> av.run(event(client, m));
            System.out.printf("%d messages (spamham nice + spam), %d rounds; us per message, and as a ratio to the header check%n",
                    corpus.size(), rounds);
            double[][] r = new double[5][rounds];
            for (int i = 0; i < rounds; i++) {
                r[0][i] = perMessage(corpus, base);
                r[1][i] = perMessage(corpus, links);
                r[2][i] = perMessage(corpus, lookups);
                r[3][i] = perMessage(corpus, files);
                r[4][i] = scan == null ? Double.NaN : perMessage(corpus, scan);
            }
            String[] names = {"header check (baseline)", "link extraction", "uribl check, look-ups warm", "attachment check", "clamd scan"};
            double b = median(r[0]);
            for (int k = 0; k < names.length; k++) {
                double med = median(r[k]);
                if (!Double.isNaN(med)) {
                    System.out.printf("%-28s %8.1f us   x%.1f%n", names[k], med, med / b);
                }
            }
        }
    }

    static Event event(Client c, MessageFacts m) {
        return Event.data(c, "a@other.example", m, new SignalMap(null), List.of("u@example.net"));
    }

    static double perMessage(List<MessageFacts> corpus, Work w) throws Exception {
        long t0 = System.nanoTime();
        for (MessageFacts m : corpus) {
            w.run(m);
        }
        return (System.nanoTime() - t0) / 1e3 / corpus.size();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
