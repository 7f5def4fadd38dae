package net.portcullis.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.gateway.testing.TestConsent;
import net.portcullis.policy.Client;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.StageOutcome;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** conf/rules/30-blacklists.rules: each rule fires when it should, not otherwise, and the whitelist wins. */
class DefaultBlacklistRulesTest {
    static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    final InMemoryDns dns = new InMemoryDns()
            .add("5.113.0.203.in-addr.arpa", "PTR", "mail.sender.example").add("mail.sender.example", "A", "203.0.113.5")
            .add("sender.example", "TXT", "v=spf1 ip4:203.0.113.0/24 -all")
            .add("9.113.0.203.bl.example.org", "A", "127.0.0.2").add("9.113.0.203.bl.example.org", "TXT", "botnet C&C")
            .add("10.113.0.203.bl.example.org", "A", "127.255.255.254")
            .add("spam.example.dbl.example.org", "A", "127.0.1.2")
            .add("spam.example", "TXT", "v=spf1 +all");
    final List<ListEntry> entries = new ArrayList<>();

    StageOutcome decide(String ip, String sender, boolean trusted) throws Exception {
        PolicyWiring.Checks checks = PolicyWiring.checks("""
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                trusted_networks: [%s]
                dnsbl: {zones: [{zone: bl.example.org}]}
                rhsbl: {zones: [{zone: dbl.example.org}]}
                """.formatted(trusted ? ip + "/32" : ""), dns, () -> Lists.of(entries, Clock.systemUTC()), TestConsent.book(), POOL);
        RuleSet rules = RuleLoader.load(new RuleLoader.Dirs(Path.of("../conf/rules"), null, Path.of("../conf/lists")),
                PolicyEngine.catalogueOf(checks.all()));
        PolicyEngine engine = new PolicyEngine(checks.all(), checks.domains(), () -> rules, false, Duration.ofSeconds(5),
                POOL, Set.of(), false);
        return engine.begin(new Client(InetAddress.getByName(ip), null, "mail.sender.example", false, null), sender)
                .recipient("user@example.net");
    }

    void list(ListEntry.Color c, ListEntry.Kind k, String v) {
        entries.add(new ListEntry(0, c, k, v, "listed for a test", "admin", Instant.now(), null));
    }

    @Test
    void aDnsblListingRefusesUntrustedClientsOnlyAndSaysWhoListsAndWhy() throws Exception {
        StageOutcome o = decide("203.0.113.9", "a@sender.example", false);
        assertThat(o.verdict().decidedBy()).isEqualTo("dnsbl-listed-client");
        assertThat(o.verdict().reply().text()).isEqualTo("Client host 203.0.113.9 is listed by bl.example.org: botnet C&C");
        assertThat(decide("203.0.113.9", "a@sender.example", true).verdict().refused()).isFalse();
        assertThat(decide("203.0.113.5", "a@sender.example", false).verdict().refused()).isFalse();
    }

    @Test
    void aListsErrorCodeIsNotAListing() throws Exception {
        assertThat(decide("203.0.113.10", "a@sender.example", false).verdict().refused()).isFalse();
    }

    @Test
    void rhsblListsTheSendersDomain() throws Exception {
        StageOutcome o = decide("203.0.113.5", "a@spam.example", false);
        assertThat(o.verdict().decidedBy()).isEqualTo("rhsbl-listed-domain");
        assertThat(o.verdict().reply().text()).startsWith("Domain spam.example is listed by dbl.example.org");
    }

    @Test
    void theFromDomainIsLookedUpInTheRhsblsAtTheEndOfData() throws Exception {
        PolicyWiring.Checks checks = PolicyWiring.checks("""
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                rhsbl: {zones: [{zone: dbl.example.org}]}
                """, dns, () -> Lists.of(entries, Clock.systemUTC()), TestConsent.book(), POOL);
        RuleSet rules = RuleLoader.load(new RuleLoader.Dirs(Path.of("../conf/rules"), null, Path.of("../conf/lists")),
                PolicyEngine.catalogueOf(checks.all()));
        PolicyEngine engine = new PolicyEngine(checks.all(), checks.domains(), () -> rules, false, Duration.ofSeconds(5),
                POOL, Set.of(), false);
        var t = engine.begin(new Client(InetAddress.getByName("203.0.113.5"), "mail.sender.example", "mail.sender.example", false, null),
                "a@sender.example");
        assertThat(t.recipient("user@example.net").verdict().refused()).isFalse();
        byte[] h = "From: Deals <deals@spam.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        var d = t.data(net.portcullis.policy.MessageFacts.parse(h, h.length), List.of("user@example.net"));
        assertThat(d.verdict().decidedBy()).isEqualTo("rhsbl-listed-from-domain");
        assertThat(d.verdict().reply().text()).startsWith("The From domain spam.example is listed by dbl.example.org");
    }

    @Test
    void ipv6ClientsAreLookedUpInNibbleForm() throws Exception {
        dns.add("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example.org", "A", "127.0.0.2");
        StageOutcome o = decide("2001:db8::1", "a@sender.example", false);
        assertThat(o.verdict().decidedBy()).isEqualTo("dnsbl-listed-client");
        assertThat(decide("2001:db8::2", "a@sender.example", false).verdict().refused()).isFalse();
    }

    @Test
    void localBlacklistEntriesRefuseAndTheWhitelistWins() throws Exception {
        list(ListEntry.Color.BLACK, ListEntry.Kind.IP, "203.0.113.0/24");
        StageOutcome o = decide("203.0.113.5", "a@sender.example", false);
        assertThat(o.verdict().decidedBy()).isEqualTo("locally-blacklisted-client");
        assertThat(o.verdict().reply().text()).isEqualTo("Client host 203.0.113.5 is blacklisted here: listed for a test (admin)");
        list(ListEntry.Color.WHITE, ListEntry.Kind.IP, "203.0.113.5");
        assertThat(decide("203.0.113.5", "a@sender.example", false).verdict().refused()).isFalse();
        assertThat(decide("203.0.113.9", "a@sender.example", false).verdict().refused()).as("dnsbl + blacklist").isTrue();
    }

    @Test
    void blacklistedSendersAreRefusedUnlessWhitelisted() throws Exception {
        list(ListEntry.Color.BLACK, ListEntry.Kind.DOMAIN, "sender.example");
        assertThat(decide("203.0.113.5", "a@sender.example", false).verdict().decidedBy()).isEqualTo("locally-blacklisted-sender");
        list(ListEntry.Color.WHITE, ListEntry.Kind.ADDRESS, "a@sender.example");
        assertThat(decide("203.0.113.5", "a@sender.example", false).verdict().refused()).isFalse();
        assertThat(decide("203.0.113.5", "b@sender.example", false).verdict().refused()).isTrue();
    }
}
