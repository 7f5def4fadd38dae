package net.portcullis.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.dkim.DkimResult;
import net.portcullis.policy.dkim.DkimVerifier;
import net.portcullis.policy.dmarc.DmarcEvaluator;
import net.portcullis.policy.spf.SpfEvaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The resolver and the DNS-based checks against a real DNS server (NSD) on loopback serving test zones. */
class RealDnsServerTest {
    static final Path ZONES = Path.of("src/test/resources/zones").toAbsolutePath();
    static Path work;
    static NsdServer nsd;
    static DnsJavaResolver dns;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("nsd");
        Map<String, Path> zones = new LinkedHashMap<>();
        zones.put("portcullis-sender.com", ZONES.resolve("portcullis-sender.com.zone"));
        zones.put("113.0.203.in-addr.arpa", ZONES.resolve("113.0.203.in-addr.arpa.zone"));
        zones.put("broken-zone.com", work.resolve("missing.zone"));
        nsd = new NsdServer(work, zones);
        dns = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        nsd.close();
    }

    @Test
    void answersAreNoerrorNxdomainOrTempfailAndNeverConfused() {
        assertThat(dns.lookup("mail.portcullis-sender.com", "A").values()).containsExactly("203.0.113.5");
        assertThat(dns.lookup("mail.portcullis-sender.com", "AAAA").values()).containsExactly("2001:db8:0:0:0:0:0:5");
        assertThat(dns.lookup("portcullis-sender.com", "MX").values()).containsExactly("10 mail.portcullis-sender.com");
        assertThat(dns.lookup("long.portcullis-sender.com", "TXT").values()).containsExactly("v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all");
        DnsAnswer empty = dns.lookup("nospf.portcullis-sender.com", "TXT");
        assertThat(empty.status()).isEqualTo(DnsAnswer.Status.NOERROR);
        assertThat(empty.values()).isEmpty();
        assertThat(dns.lookup("nothing.portcullis-sender.com", "A").status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(dns.lookup("www.portcullis-sender.com", "A").values()).containsExactly("203.0.113.5");
        assertThat(dns.lookup("broken-zone.com", "A").status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat(dns.ptr(net.portcullis.rules.Network.address("203.0.113.5")).values()).containsExactly("mail.portcullis-sender.com");
    }

    @Test
    void aServerThatDoesNotAnswerIsATemporaryFailureWithinTheTimeout() throws Exception {
        DnsJavaResolver silent = new DnsJavaResolver(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                NsdServer.freePort())), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        DnsAnswer a = silent.lookup("mail.portcullis-sender.com", "A");
        assertThat(a.status()).isEqualTo(DnsAnswer.Status.TEMPFAIL);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3_000);
    }

    @Test
    void theCacheAnswersRepeatsPositiveAndNegative() {
        DnsJavaResolver r = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
        r.lookup("mail.portcullis-sender.com", "A");
        r.lookup("mail.portcullis-sender.com", "A");
        r.lookup("gone.portcullis-sender.com", "A");
        r.lookup("gone.portcullis-sender.com", "A");
        assertThat(r.queries()).isEqualTo(4);
        assertThat(r.cacheHits()).isEqualTo(2);
    }

    @Test
    void aCachedPtrAnswerIsGivenAtOnceAndOnlyThen() {
        DnsJavaResolver r = new DnsJavaResolver(List.of(nsd.address()), Duration.ofSeconds(2));
        InetAddress named = net.portcullis.rules.Network.address("203.0.113.5");
        InetAddress unnamed = net.portcullis.rules.Network.address("203.0.113.77");
        assertThat(r.ptrIfCached(named)).as("nothing asked yet").isNull();
        long sent = r.queries() - r.cacheHits();
        assertThat(r.ptr(named).values()).containsExactly("mail.portcullis-sender.com");
        assertThat(r.ptr(unnamed).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(r.ptrIfCached(named).values()).containsExactly("mail.portcullis-sender.com");
        assertThat(r.ptrIfCached(unnamed).status()).as("a cached negative answer too").isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(r.queries() - r.cacheHits()).as("no packet for the cached ones").isEqualTo(sent + 2);
    }

    @Test
    void spfEvaluatesAgainstTheServedZone() throws Exception {
        SpfEvaluator spf = new SpfEvaluator(dns, "mx.example.net");
        assertThat(spf.checkHost(InetAddress.getByName("203.0.113.5"), "portcullis-sender.com", "a@portcullis-sender.com", "h")
                .result()).isEqualTo("pass");
        assertThat(spf.checkHost(InetAddress.getByName("198.51.100.9"), "portcullis-sender.com", "a@portcullis-sender.com", "h")
                .result()).isEqualTo("pass");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.99"), "portcullis-sender.com", "a@portcullis-sender.com", "h")
                .result()).isEqualTo("fail");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.2"), "long.portcullis-sender.com", "a@long.portcullis-sender.com", "h")
                .result()).isEqualTo("pass");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.2"), "broken-zone.com", "a@broken-zone.com", "h")
                .result()).isEqualTo("temperror");
    }

    /** RFC 7208 3.1 (the test suite's non-ascii-policy): the zone serves raw UTF-8 octets, which dnsjava would escape as \ddd. */
    @Test
    void anSpfRecordWithNonAsciiOctetsIsAPermerrorOverRealDns() throws Exception {
        assertThat(dns.lookup("hosed.portcullis-sender.com", "TXT").values()).containsExactly("v=spf1 a:\ufeffgarbage.example.net -all");
        SpfEvaluator spf = new SpfEvaluator(dns, "mx.example.net");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.2"), "hosed.portcullis-sender.com", "a@hosed.portcullis-sender.com", "h")
                .result()).isEqualTo("permerror");
    }

    @Test
    void dkimKeysAndDmarcRecordsComeFromTheServedZone() throws Exception {
        Path msg = Files.writeString(work.resolve("m.eml"), "From: News <news@portcullis-sender.com>\nTo: u@example.net\n"
                + "Subject: zone test\n\nHello from the zone.\n");
        Process p = new ProcessBuilder("dkimsign", "sel", "portcullis-sender.com", ZONES.resolve("dkim-test-private.key").toString())
                .redirectInput(msg.toFile()).start();
        byte[] signed = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        List<DkimResult> r = new DkimVerifier(dns, Clock.systemUTC(), false).verify(net.portcullis.policy.dkim.Messages.of(signed));
        assertThat(r).extracting(DkimResult::result).containsExactly("pass");
        DmarcEvaluator dmarc = new DmarcEvaluator(dns);
        assertThat(dmarc.evaluate("portcullis-sender.com", "fail", "other.example", List.of()).policy()).isEqualTo("reject");
        assertThat(dmarc.evaluate("news.portcullis-sender.com", "fail", "other.example", List.of()).policy()).isEqualTo("quarantine");
        assertThat(dmarc.evaluate("portcullis-sender.com", "none", null, List.of("portcullis-sender.com")).result()).isEqualTo("pass");
    }
}
