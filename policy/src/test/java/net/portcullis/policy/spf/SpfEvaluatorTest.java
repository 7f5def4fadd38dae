package net.portcullis.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7208 behaviour, case by case, on an in-memory zone. */
class SpfEvaluatorTest {
    static InMemoryDns zone() {
        InMemoryDns d = new InMemoryDns();
        d.add("mail.example.com", "A", "192.0.2.10");
        d.add("mail.example.com", "AAAA", "2001:db8::10");
        d.add("example.com", "MX", "10 mail.example.com");
        d.add("example.com", "A", "192.0.2.1");
        d.add("10.2.0.192.in-addr.arpa", "PTR", "mail.example.com");
        d.add("inc-pass.example", "TXT", "v=spf1 ip4:198.51.100.0/24 -all");
        d.add("inc-fail.example", "TXT", "v=spf1 -all");
        d.add("inc-temp.example", "TXT", "v=spf1 include:timeout.example -all");
        d.fail("timeout.example", "TXT");
        d.add("exists-yes.example", "A", "127.0.0.2");
        d.add("1.2.0.192.white.example", "A", "127.0.0.2");
        d.add("explain.example", "TXT", "%{i} is not one of %{d}'s servers (client %{c})");
        return d;
    }

    static String eval(InMemoryDns d, String record, String ip, String sender) throws Exception {
        d.add("test.example", "TXT", record);
        String domain = sender.substring(sender.indexOf('@') + 1);
        return new SpfEvaluator(d, "mx.example.net").checkHost(InetAddress.getByName(ip), domain, sender, "helo.example.com").result();
    }

    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "v=spf1 -all|192.0.2.1|fail",
            "v=spf1 +all|192.0.2.1|pass",
            "v=spf1 ~all|192.0.2.1|softfail",
            "v=spf1 ?all|192.0.2.1|neutral",
            "v=spf1|192.0.2.1|neutral",
            "V=SPF1 -ALL|192.0.2.1|fail",
            "v=spf1   -all  |192.0.2.1|fail",
            "v=spf1 ip4:192.0.2.0/24 -all|192.0.2.77|pass",
            "v=spf1 ip4:192.0.2.0/24 -all|192.0.3.1|fail",
            "v=spf1 ip4:192.0.2.1/0 -all|203.0.113.9|pass",
            "v=spf1 ip4:192.0.2.1/33 -all|192.0.2.1|permerror",
            "v=spf1 ip4:192.0.2.1/032 -all|192.0.2.1|permerror",
            "v=spf1 ip4:192.0.2.1//32 -all|192.0.2.1|permerror",
            "v=spf1 ip4:::ffff:192.0.2.1 -all|192.0.2.1|permerror",
            "v=spf1 ip6:2001:db8::/32 -all|2001:db8:1::5|pass",
            "v=spf1 ip6:::/0 -all|192.0.2.1|fail",
            "v=spf1 ip6:2001:db8::/129 -all|2001:db8::1|permerror",
            "v=spf1 ip4:192.0.2.1 -all|::ffff:192.0.2.1|pass",
            "v=spf1 a:mail.example.com -all|192.0.2.10|pass",
            "v=spf1 a:mail.example.com/24 -all|192.0.2.99|pass",
            "v=spf1 a:mail.example.com//64 -all|2001:db8::99|pass",
            "v=spf1 a:mail.example.com -all|2001:db8::10|pass",
            "v=spf1 mx:example.com -all|192.0.2.10|pass",
            "v=spf1 mx:example.com -all|192.0.2.11|fail",
            "v=spf1 mx:example.com/33 -all|192.0.2.10|permerror",
            "v=spf1 ptr:example.com -all|192.0.2.10|pass",
            "v=spf1 ptr -all|192.0.2.10|fail",
            "v=spf1 ptr:example.com/24 -all|192.0.2.10|permerror",
            "v=spf1 exists:exists-yes.example -all|192.0.2.1|pass",
            "v=spf1 exists:%{ir}.white.example -all|192.0.2.1|pass",
            "v=spf1 exists:%{ir}.white.example -all|192.0.2.2|fail",
            "v=spf1 exists:exists-yes.example/24 -all|192.0.2.1|permerror",
            "v=spf1 include:inc-pass.example -all|198.51.100.7|pass",
            "v=spf1 include:inc-fail.example ~all|198.51.100.7|softfail",
            "v=spf1 include:inc-temp.example -all|198.51.100.7|temperror",
            "v=spf1 include:nothing-here.example -all|198.51.100.7|permerror",
            "v=spf1 include:inc-pass.example/24 -all|198.51.100.7|permerror",
            "v=spf1 redirect=inc-pass.example|198.51.100.7|pass",
            "v=spf1 redirect=inc-pass.example|192.0.2.1|fail",
            "v=spf1 +all redirect=inc-fail.example|192.0.2.1|pass",
            "v=spf1 redirect=nothing-here.example|192.0.2.1|permerror",
            "v=spf1 redirect=inc-pass.example redirect=inc-fail.example|192.0.2.1|permerror",
            "v=spf1 exp=explain.example exp=explain.example -all|192.0.2.1|permerror",
            "v=spf1 redirect=|192.0.2.1|permerror",
            "v=spf1 foo -all|192.0.2.1|permerror",
            "v=spf1 !a -all|192.0.2.1|permerror",
            "v=spf1 a: -all|192.0.2.1|permerror",
            "v=spf1 a:museum -all|192.0.2.1|permerror",
            "v=spf1 a:foo.1com -all|192.0.2.1|fail",
            "v=spf1 a:111.222.33.44 -all|192.0.2.1|permerror",
            "v=spf1 a:%{x}.example.com -all|192.0.2.1|permerror",
            "v=spf1 a:%{l0}.example.com -all|192.0.2.1|permerror",
            "v=spf1 -all moo=%{x}|192.0.2.1|permerror",
            "v=spf1 -all default=+|192.0.2.1|fail",
            "v=spf1 all:foo|192.0.2.1|permerror",
            "v=spf1 a:void1.example a:void2.example a:void3.example -all|192.0.2.1|permerror",
            "v=spf1 a:void1.example a:void2.example -all|192.0.2.1|fail",
            "v=spf1 a:a1.example a:a2.example a:a3.example a:a4.example a:a5.example mx:example.com mx:example.com mx:example.com mx:example.com mx:example.com -all|192.0.2.1|fail",
            "v=spf1 a:mail.example.com a:mail.example.com a:mail.example.com a:mail.example.com a:mail.example.com mx:example.com mx:example.com mx:example.com mx:example.com mx:example.com a -all|192.0.2.1|permerror",
            "v=spf1 ip4:192.0.2.1 include:test.example -all|192.0.2.1|pass",
            "v=spf1 include:test.example -all|192.0.2.1|permerror",
    })
    void mechanismsModifiersAndLimits(String record, String ip, String expected) throws Exception {
        InMemoryDns d = zone();
        for (String n : new String[] {"a1", "a2", "a3", "a4", "a5"}) {
            d.add(n + ".example", "A", "203.0.113.1");
        }
        assertThat(eval(d, record, ip, "user@test.example")).isEqualTo(expected);
    }

    @Test
    void noRecordIsNoneAndTwoRecordsArePermerrorAndTimeoutsAreTemperror() throws Exception {
        InMemoryDns d = zone();
        SpfEvaluator spf = new SpfEvaluator(d, "mx.example.net");
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        d.add("two.example", "TXT", "v=spf1 -all").add("two.example", "TXT", "v=spf1 +all");
        d.add("other.example", "TXT", "google-site-verification=abc").add("other.example", "TXT", "v=spf1 -all");
        assertThat(spf.checkHost(ip, "example.com", "a@example.com", "h.example").result()).isEqualTo("none");
        assertThat(spf.checkHost(ip, "nxdomain.example", "a@nxdomain.example", "h.example").result()).isEqualTo("none");
        assertThat(spf.checkHost(ip, "two.example", "a@two.example", "h.example").result()).isEqualTo("permerror");
        assertThat(spf.checkHost(ip, "other.example", "a@other.example", "h.example").result()).isEqualTo("fail");
        assertThat(spf.checkHost(ip, "timeout.example", "a@timeout.example", "h.example").result()).isEqualTo("temperror");
    }

    @Test
    void malformedDomainsAreNone() throws Exception {
        SpfEvaluator spf = new SpfEvaluator(zone(), "mx.example.net");
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        assertThat(spf.checkHost(ip, "A2345678", "postmaster@A2345678", "A2345678").result()).isEqualTo("none");
        assertThat(spf.checkHost(ip, "A...example.com", "x@A...example.com", "h").result()).isEqualTo("none");
        assertThat(spf.checkHost(ip, "a".repeat(64) + ".example.com", "x@y", "h").result()).isEqualTo("none");
        assertThat(spf.checkHost(ip, "[192.0.2.1]", "x@[192.0.2.1]", "h").result()).isEqualTo("none");
    }

    @Test
    void macrosExpandAsTheRfcShows() throws Exception {
        InMemoryDns d = zone();
        // RFC 7208 7.4 examples, for sender strong-bad@email.example.com and IP 192.0.2.3
        d.add("email.example.com", "TXT", "v=spf1 exists:%{l}.%{o}.%{d2}.%{ir}.%{v}._spf.%{d} "
                + "exists:%{lr-}.lp._spf.%{d} exists:%{ir}.%{v}.arpa.%{d} -all");
        d.add("strong-bad.email.example.com.example.com.3.2.0.192.in-addr._spf.email.example.com", "A", "127.0.0.2");
        SpfEvaluator spf = new SpfEvaluator(d, "mx.example.net");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.3"), "email.example.com", "strong-bad@email.example.com",
                "h.example").result()).isEqualTo("pass");
        d.add("bad.strong.lp._spf.email.example.com", "A", "127.0.0.2");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.4"), "email.example.com", "strong-bad@email.example.com",
                "h.example").result()).isEqualTo("pass");
        d.add("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.email.example.com", "A", "127.0.0.2");
        assertThat(spf.checkHost(InetAddress.getByName("2001:db8::1"), "email.example.com", "x@email.example.com",
                "h.example").result()).isEqualTo("pass");
    }

    @Test
    void upperCaseMacrosAreUrlEscapedAndTheNullLocalPartIsPostmaster() throws Exception {
        InMemoryDns d = zone();
        d.add("esc.example", "TXT", "v=spf1 exists:%{L}.esc.example -all");
        d.add("a%2Bb.esc.example", "A", "127.0.0.2");
        SpfEvaluator spf = new SpfEvaluator(d, "mx.example.net");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.1"), "esc.example", "a+b@esc.example", "h").result()).isEqualTo("pass");
        d.add("pm.example", "TXT", "v=spf1 exists:%{l}.pm.example -all");
        d.add("postmaster.pm.example", "A", "127.0.0.2");
        assertThat(spf.checkHost(InetAddress.getByName("192.0.2.1"), "pm.example", "@pm.example", "h").result()).isEqualTo("pass");
    }

    @Test
    void aFailCarriesTheDomainsExpandedExplanation() throws Exception {
        InMemoryDns d = zone();
        d.add("exp.example", "TXT", "v=spf1 ip4:192.0.2.1 -all exp=explain.example");
        SpfResult r = new SpfEvaluator(d, "mx.example.net").checkHost(InetAddress.getByName("2001:db8::5"), "exp.example",
                "u@exp.example", "h");
        assertThat(r.result()).isEqualTo("fail");
        assertThat(r.mechanism()).isEqualTo("-all");
        assertThat(r.explanation()).isEqualTo("2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5 is not one of exp.example's servers (client 2001:db8::5)");
    }

    @Test
    void moreThanTenMxRecordsIsPermerror() throws Exception {
        InMemoryDns d = zone();
        for (int i = 0; i < 11; i++) {
            d.add("manymx.example", "MX", i + " mx" + i + ".example");
        }
        assertThat(eval(d, "v=spf1 mx:manymx.example -all", "192.0.2.1", "u@test.example")).isEqualTo("permerror");
    }

    @Test
    void includeLoopsEndInPermerror() throws Exception {
        InMemoryDns d = zone();
        d.add("loop.example", "TXT", "v=spf1 include:loop.example -all");
        assertThat(new SpfEvaluator(d, "mx").checkHost(InetAddress.getByName("192.0.2.1"), "loop.example", "u@loop.example", "h")
                .result()).isEqualTo("permerror");
    }

    /** The cases on which an independent RFC 7208 conformance suite disagreed with us, each by its rule. */
    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // 7.1: a domain-spec holds any visible character but '%'; prefix lengths only at the end
            "v=spf1 a:foo:bar/baz.example.com -all|1.2.3.4|pass",
            "v=spf1 a:foo:bar/baz.example.com -all|::FFFF:1.2.3.4|pass",
            "v=spf1 mx:foo:bar/baz.example.com -all|1.2.3.4|pass",
            "v=spf1 mx:foo:bar/baz.example.com -all|::ffff:1.2.3.4|pass",
            "v=spf1 a:foo:bar/baz.example.com/24 -all|1.2.3.99|pass",
            "v=spf1 a:foo:bar/baz.example.com/33 -all|1.2.3.4|permerror",
            // 7.1, 7.3: %% %_ %- expand inside a domain-spec
            "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all|1.2.3.4|pass",
            // 5: an IPv4-mapped IPv6 client is checked as IPv4
            "v=spf1 ip4:1.2.3.0/24 -all|::FFFF:1.2.3.4|pass",
            "v=spf1 ip6:::ffff:0:0/96 -all|::FFFF:1.2.3.4|fail",
    })
    void casesFromTheConformanceSuite(String record, String ip, String expected) throws Exception {
        InMemoryDns d = zone();
        d.add("foo:bar/baz.example.com", "A", "1.2.3.4");
        d.add("foo:bar/baz.example.com", "MX", "0 foo:bar/baz.example.com");
        d.add("macro%percent  space%20url-space.example.com", "A", "1.2.3.4");
        assertThat(eval(d, record, ip, "user@test.example")).isEqualTo(expected);
    }

    @Test
    void aRecordWithNonAsciiCharactersIsPermerror() throws Exception {
        // 3.1: SPF records are ASCII; a TXT record with other octets is malformed
        assertThat(eval(zone(), "v=spf1 a:mail.exämple.com -all", "192.0.2.10", "u@test.example")).isEqualTo("permerror");
        assertThat(eval(zone(), "v=spf1 ip4:192.0.2.10 -all \u00a0", "192.0.2.10", "u@test.example")).isEqualTo("permerror");
    }

    @Test
    void randomAndMutatedRecordsNeverThrow() throws Exception {
        java.util.Random rnd = new java.util.Random(7208);
        String[] seeds = {"v=spf1 a:foo:bar/baz.example.com/24//64 mx ptr include:%{d} exists:%{ir}.%{v}._spf.%{d} -all",
                "v=spf1 redirect=%{l1r-}.example exp=%{h} ip4:1.2.3.4/32 ip6:::1/128 ?all"};
        String alphabet = "v=spf1 :/%{}.-_+~?!ailmxprdeotxsh0123456789\u00e9\u0000 ";
        java.util.Set<String> results = java.util.Set.of("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror");
        for (int n = 0; n < 3000; n++) {
            StringBuilder b = new StringBuilder(seeds[n % 2]);
            for (int k = rnd.nextInt(6); k >= 0; k--) {
                int at = rnd.nextInt(b.length() + 1);
                switch (rnd.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 1 -> b.delete(at, Math.min(b.length(), at + 1 + rnd.nextInt(4)));
                    default -> b.insert(at, "/" + rnd.nextInt(Integer.MAX_VALUE) + "%{" + (char) ('a' + rnd.nextInt(26)));
                }
            }
            InMemoryDns d = zone();
            String r = eval(d, b.toString(), n % 3 == 0 ? "2001:db8::5" : "192.0.2.1", "user@test.example");
            assertThat(results).as(b.toString()).contains(r);
        }
    }
}
