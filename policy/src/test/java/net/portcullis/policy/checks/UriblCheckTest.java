package net.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.LocalDomains;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.Signal;
import net.portcullis.policy.SignalMap;
import net.portcullis.policy.content.MimeWalk;
import net.portcullis.policy.dkim.Messages;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;

class UriblCheckTest {
    private final InMemoryDns dns = new InMemoryDns();

    private Map<String, Object> run(MessageFacts m, List<DnsblCheck.Zone> zones, int max, Set<String> ignore) throws Exception {
        return run(m, new UriblCheck.Settings(zones, max, ignore, MimeWalk.Limits.DEFAULT, 1000));
    }

    private Map<String, Object> run(MessageFacts m, UriblCheck.Settings settings) throws Exception {
        UriblCheck c = new UriblCheck(dns, settings,
                LocalDomains.of(Set.of("example.net")),
                () -> net.portcullis.policy.store.Lists.of(List.of(), java.time.Clock.systemUTC()), Runnable::run);
        Event e = Event.data(new Client(InetAddress.getByName("203.0.113.5"), "mail.sender.example", "mail.sender.example", false, null),
                "a@sender.example", m, new SignalMap(null), List.of("u@example.net"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Signal s : c.run(e)) {
            out.put(s.name(), s.value());
        }
        return out;
    }

    private static DnsblCheck.Zone zone(String name, Map<String, String> codes) {
        return new DnsblCheck.Zone(name, codes, 1);
    }

    @Test
    void spamAssassinsTestMessageListedBySurblStyleMaskAndDblStyleCode() throws Exception {
        // SURBL multi: 127.0.0.64 is the abuse list among others packed in the last octet
        dns.add("uribl-example-a.com.multi.surbl.test", "A", "127.0.0.68");
        dns.add("uribl-example-b.com.dbl.test", "A", "127.0.1.4");
        dns.add("uribl-example-c.com.dbl.test", "A", "127.255.255.254"); // "you may not query": no listing
        Map<String, Object> s = run(Messages.resource("spamham/spam/dnsbl.eml"), List.of(
                zone("multi.surbl.test", Map.of("127.0.0.64/mask", "abuse")),
                zone("dbl.test", Map.of("127.0.1.2", "spam domain", "127.0.1.4", "phishing domain"))), 20, Set.of());
        assertThat(s).containsEntry("uribl.listed", true).containsEntry("uribl.domain", "uribl-example-a.com")
                .containsEntry("uribl.zone", "multi.surbl.test").containsEntry("uribl.reason", "abuse")
                .containsEntry("uribl.listed_domains", "uribl-example-a.com uribl-example-b.com").containsEntry("uribl.score", 2L)
                .containsEntry("uribl.domains", 4L).containsEntry("uribl.ip_links", 1L).containsEntry("uribl.truncated", false);
    }

    @Test
    void aMaskThatSharesNoBitIsNoListingAndNoZonesIsNoListing() throws Exception {
        dns.add("uribl-example-a.com.multi.surbl.test", "A", "127.0.0.8");
        assertThat(run(Messages.resource("spamham/spam/dnsbl.eml"), List.of(zone("multi.surbl.test", Map.of("127.0.0.64/mask", "abuse"))),
                20, Set.of())).containsEntry("uribl.listed", false);
        assertThat(run(Messages.resource("spamham/spam/dnsbl.eml"), List.of(), 20, Set.of())).as("nothing to ask: the body is not read")
                .containsEntry("uribl.listed", false).doesNotContainKey("uribl.domains");
    }

    @Test
    void ourDomainsTheIgnoredAndPastMaxDomainsAreNotLookedUp() throws Exception {
        dns.add("uribl-example-c.com.dbl.test", "A", "127.0.1.2");
        MessageFacts m = Messages.of("From: a@sender.example\n\nhttp://www.example.net/ours http://spamassassin.org/ "
                + "http://uribl-example-b.com/ http://uribl-example-c.com/\n");
        Map<String, Object> s = run(m, List.of(zone("dbl.test", Map.of())), 1, Set.of("spamassassin.org"));
        assertThat(s).containsEntry("uribl.domains", 2L).containsEntry("uribl.checked", 1L).containsEntry("uribl.listed", false);
        assertThat(run(m, List.of(zone("dbl.test", Map.of())), 2, Set.of("spamassassin.org"))).containsEntry("uribl.listed", true)
                .containsEntry("uribl.domain", "uribl-example-c.com");
    }

    @Test
    void withResolveOnTheDomainsAddressesAndTheirNameServersAreAskedInTheIpDnsbls() throws Exception {
        dns.add("uribl-example-b.com", "A", "192.0.2.7").add("uribl-example-b.com", "NS", "ns1.bulletproof.example")
                .add("ns1.bulletproof.example", "A", "198.51.100.53").add("53.100.51.198.bl.test", "A", "127.0.0.2");
        MessageFacts m = Messages.of("From: a@sender.example\n\nhttp://uribl-example-b.com/\n");
        UriblCheck.Settings on = new UriblCheck.Settings(List.of(), 20, Set.of(), MimeWalk.Limits.DEFAULT, 1000, true,
                List.of(zone("bl.test", Map.of())));
        assertThat(run(m, on)).containsEntry("uribl.ip_listed", true).containsEntry("uribl.ip_domain", "uribl-example-b.com")
                .containsEntry("uribl.ip_zone", "bl.test").containsEntry("uribl.listed", false);
        UriblCheck.Settings off = new UriblCheck.Settings(List.of(), 20, Set.of(), MimeWalk.Limits.DEFAULT, 1000, false,
                List.of(zone("bl.test", Map.of())));
        assertThat(run(m, off)).containsEntry("uribl.ip_listed", false);
    }

    @Test
    void aLookUpThatCannotBeAnsweredIsUnavailableNeverAPass() throws Exception {
        dns.fail("uribl-example-b.com.dbl.test", "A");
        Map<String, Object> s = run(Messages.of("From: a@sender.example\n\nhttp://uribl-example-b.com/\n"),
                List.of(zone("dbl.test", Map.of())), 20, Set.of());
        assertThat(s.get("uribl.listed")).isInstanceOf(Signal.Missing.class);
        assertThat(s.values()).allMatch(v -> v instanceof Signal.Missing);
    }
}
