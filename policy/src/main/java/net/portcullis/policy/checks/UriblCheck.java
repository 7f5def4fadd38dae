package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.LocalDomains;
import net.portcullis.policy.Signal;
import net.portcullis.policy.content.LinkHosts;
import net.portcullis.policy.content.MimeWalk;
import net.portcullis.policy.dmarc.OrgDomains;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.policy.dns.ListingCodes;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Network;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Links in the body against domain blacklists (SURBL, Spamhaus DBL, URIBL; rspamd's surbl,
 * SpamAssassin's URIDNSBL): the hosts of the message's links, reduced to their registrable
 * domains by the Public Suffix List, the first {@code maxDomains} of them (ASSP's
 * URIBLmaxdomains) looked up in each zone at once, and every one on our own link list (the
 * domains spam reports advertise). Our own domains, the configured {@code ignore} list and the
 * domains allowlisted here are never looked up. A look-up that cannot be answered, with no listing
 * found, makes the signals unavailable: never a pass.
 */
public final class UriblCheck implements Check {
    /** The check's settings: the zones, how many domains to look up at most, domains never looked up, the MIME bounds. */
    /**
     * @param ipZones the IP DNSBLs the domains' addresses are looked up in when {@code resolve} is on
     *                (their A records and those of their name servers, SpamAssassin's uridnsbl)
     */
    public record Settings(List<DnsblCheck.Zone> zones, int maxDomains, Set<String> ignore, MimeWalk.Limits limits, int maxHosts,
                           boolean resolve, List<DnsblCheck.Zone> ipZones) {
        public Settings {
            zones = List.copyOf(zones);
            ignore = Set.copyOf(ignore);
            ipZones = List.copyOf(ipZones);
        }

        public Settings(List<DnsblCheck.Zone> zones, int maxDomains, Set<String> ignore, MimeWalk.Limits limits, int maxHosts) {
            this(zones, maxDomains, ignore, limits, maxHosts, false, List.of());
        }
    }

    /** Addresses looked up per domain at most (its own and its name servers'), so that a domain with many cannot multiply the look-ups. */
    static final int MAX_ADDRESSES_PER_DOMAIN = 4;

    private static final Spec SPEC = Spec.dns("uribl", Stage.DATA, List.of(
            new SignalSpec("uribl.listed", Type.BOOL, Stage.DATA, "a domain that a link in the body points to is listed by a "
                    + "configured URI blacklist zone (uribl.zones)", "false"),
            new SignalSpec("uribl.domain", Type.STRING, Stage.DATA, "the first listed domain; absent when none is", "bad.example"),
            new SignalSpec("uribl.zone", Type.STRING, Stage.DATA, "the zone that lists it; \"our link list\" for our own, fed by spam "
                    + "reports", "dbl.example.org"),
            new SignalSpec("uribl.reason", Type.STRING, Stage.DATA, "what its answer means (uribl.zones codes), else its TXT record",
                    "phishing"),
            new SignalSpec("uribl.listed_domains", Type.STRING, Stage.DATA, "every listed domain, space-separated", "bad.example"),
            new SignalSpec("uribl.score", Type.NUMBER, Stage.DATA, "the sum of the weights of every listing (domain and zone)", "1"),
            new SignalSpec("uribl.domains", Type.NUMBER, Stage.DATA, "registrable domains that links in the body point to; absent "
                    + "when the body is not read (no zones, resolve off, our link list empty)", "3"),
            new SignalSpec("uribl.checked", Type.NUMBER, Stage.DATA, "of those, how many were looked up (at most uribl.max_domains)",
                    "3"),
            new SignalSpec("uribl.ip_links", Type.NUMBER, Stage.DATA, "links to a bare IP address instead of a host name", "0"),
            new SignalSpec("uribl.ip_listed", Type.BOOL, Stage.DATA, "an address of a linked domain or of its name servers is "
                    + "listed by an IP DNSBL (dnsbl.zones; with uribl.resolve on, else false)", "false"),
            new SignalSpec("uribl.ip_domain", Type.STRING, Stage.DATA, "the linked domain whose address is listed", "bad.example"),
            new SignalSpec("uribl.ip_zone", Type.STRING, Stage.DATA, "the IP DNSBL that lists it", "bl.example.org"),
            new SignalSpec("uribl.truncated", Type.BOOL, Stage.DATA, "a bound stopped the reading short (MIME depth or parts, text "
                    + "size, hosts kept): the domains are those found before it", "false")));

    /** The zone name a listing on our own link list (fed by spam reports) shows as. */
    public static final String LOCAL = "our link list";
    private static final DnsblCheck.Zone LOCAL_ZONE = new DnsblCheck.Zone(LOCAL, java.util.Map.of(), 1);

    private final Dns dns;
    private final Settings settings;
    private final LocalDomains ours;
    private final Supplier<Lists.Snapshots> lists;
    private final Executor executor;

    /** @param lists the local lists: a black link entry lists a domain, a white one (or a white domain) is never looked up */
    public UriblCheck(Dns dns, Settings settings, LocalDomains ours, Supplier<Lists.Snapshots> lists, Executor executor) {
        this.dns = dns;
        this.settings = settings;
        this.ours = ours;
        this.lists = lists;
        this.executor = executor;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    /** The registrable domains the body links to (our own and the ignored left out), the IP links, and whether reading was cut short. */
    record Found(Set<String> domains, int ipLinks, boolean truncated, String malformed) { }

    Found find(Event e) {
        LinkHosts hosts = new LinkHosts(settings.maxHosts());
        MimeWalk.Outcome walked = MimeWalk.walk(e.message(), settings.limits(), hosts::add);
        Set<String> domains = new LinkedHashSet<>();
        int ip = 0;
        for (String h : hosts.hosts()) {
            if (Network.addressOrNull(h) != null) {
                ip++;
                continue;
            }
            String d = OrgDomains.of(h);
            if (!d.contains(".") || ours.isOurs(d) || ours.isOurs(h) || settings.ignore().contains(d)) {
                continue; // a public suffix itself, or ours, or a domain the operator trusts
            }
            domains.add(d);
        }
        return new Found(domains, ip, walked.truncated() || hosts.full(), walked.malformed());
    }

    private record Hit(DnsblCheck.Zone zone, String domain, String answer, String reason) { }

    @Override
    public List<Signal> run(Event e) {
        Lists.Snapshots local = lists.get();
        if (settings.zones().isEmpty() && !settings.resolve() && !local.black().hasLinks()) {
            // nothing to look a domain up in: the body is not read (the default install pays nothing)
            String why = "not read: no uribl.zones, uribl.resolve off, and our link list is empty";
            return List.of(Signal.of("uribl.listed", false, why), Signal.of("uribl.ip_listed", false, why),
                    new Signal("uribl.score", 0L, why), Signal.of("uribl.truncated", false, why));
        }
        Found found = find(e);
        List<Hit> hits = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        for (String d : found.domains()) {
            if (local.white().link(d).isPresent() || local.white().domain(d).isPresent()) {
                continue; // allowlisted here: neither our list nor any zone is asked
            }
            local.black().link(d).ifPresent(l -> hits.add(new Hit(LOCAL_ZONE, d, "local", l.reason())));
            if (asked.size() < settings.maxDomains()) {
                asked.add(d);
            }
        }
        List<Supplier<Hit>> asks = new ArrayList<>();
        for (String d : asked) {
            for (DnsblCheck.Zone z : settings.zones()) {
                asks.add(() -> ask(z, d));
            }
        }
        List<String> errors = new ArrayList<>();
        Lookups.all(asks, executor, hits, errors);
        List<Hit> ipHits = new ArrayList<>();
        if (settings.resolve() && !settings.ipZones().isEmpty()) {
            List<Supplier<List<Hit>>> resolving = new ArrayList<>();
            for (String d : asked) {
                resolving.add(() -> addressHits(d));
            }
            List<List<Hit>> perDomain = new ArrayList<>();
            Lookups.all(resolving, executor, perDomain, errors);
            perDomain.forEach(ipHits::addAll);
        }
        String read = found.domains().size() + " domain(s) in the body's links"
                + (found.malformed() == null ? "" : "; MIME read as far as it goes (" + found.malformed() + ")");
        if (!errors.isEmpty() && hits.isEmpty() && ipHits.isEmpty()) {
            String why = String.join("; ", errors);
            return SPEC.produces().stream().map(s -> Signal.unavailable(s.name(), why, true)).toList();
        }
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("uribl.listed", !hits.isEmpty(), hits.isEmpty()
                ? (settings.zones().isEmpty() ? "no uribl.zones configured" : "none of " + asked + " listed") : "listed: " + hits.get(0).domain()));
        out.add(new Signal("uribl.domains", (long) found.domains().size(), read));
        out.add(new Signal("uribl.checked", (long) asked.size(), "looked up " + asked));
        out.add(new Signal("uribl.ip_links", (long) found.ipLinks(), "links to a bare IP address"));
        out.add(Signal.of("uribl.truncated", found.truncated(), found.truncated() ? "a bound stopped the reading short" : "read whole"));
        long score = 0;
        Set<String> listed = new LinkedHashSet<>();
        for (Hit h : hits) {
            score += h.zone().weight();
            listed.add(h.domain());
        }
        out.add(new Signal("uribl.score", score, "sum of the weights of " + hits.size() + " listing(s)"));
        out.add(Signal.of("uribl.ip_listed", !ipHits.isEmpty(), !settings.resolve() ? "uribl.resolve is off"
                : ipHits.isEmpty() ? "no address of " + asked + " listed" : ipHits.get(0).reason()));
        if (!ipHits.isEmpty()) {
            out.add(Signal.of("uribl.ip_domain", ipHits.get(0).domain(), ipHits.get(0).reason()));
            out.add(Signal.of("uribl.ip_zone", ipHits.get(0).zone().zone(), ipHits.get(0).reason()));
        }
        if (!hits.isEmpty()) {
            Hit first = hits.get(0);
            String evidence = first.zone() == LOCAL_ZONE ? first.domain() + " is on " + LOCAL + ": " + first.reason()
                    : first.domain() + "." + first.zone().zone() + " answered " + first.answer();
            out.add(Signal.of("uribl.domain", first.domain(), evidence));
            out.add(Signal.of("uribl.zone", first.zone().zone(), evidence));
            out.add(Signal.of("uribl.listed_domains", String.join(" ", listed), "listed domains"));
            if (first.reason() != null) {
                out.add(Signal.of("uribl.reason", first.reason(), evidence));
            }
        }
        return out;
    }

    /** The domain's addresses and its name servers' (a few), each asked in the IP DNSBLs: the listings. */
    private List<Hit> addressHits(String domain) {
        java.util.Set<String> addresses = new LinkedHashSet<>();
        addresses.addAll(answers(domain, "A"));
        for (String ns : answers(domain, "NS")) {
            if (addresses.size() >= MAX_ADDRESSES_PER_DOMAIN) {
                break;
            }
            addresses.addAll(answers(ns, "A"));
        }
        List<Hit> out = new ArrayList<>();
        for (String a : addresses.stream().limit(MAX_ADDRESSES_PER_DOMAIN).toList()) {
            java.net.InetAddress ip = Network.addressOrNull(a);
            if (ip == null) {
                continue;
            }
            String reversed = net.portcullis.policy.dns.ReverseNames.reversed(ip);
            for (DnsblCheck.Zone z : settings.ipZones()) {
                String name = reversed + "." + z.zone();
                for (String answer : answers(name, "A")) {
                    ListingCodes.Listing l = ListingCodes.match(z.codes(), answer);
                    if (l != null) {
                        out.add(new Hit(z, domain, answer, domain + " has address " + a + ", which " + z.zone() + " lists (" + answer + ")"));
                    }
                }
            }
        }
        return out;
    }

    /** An answer's values; a name that does not exist has none; a failure throws, to make the signals unavailable. */
    private List<String> answers(String name, String type) {
        DnsAnswer a = dns.lookup(name, type);
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw new IllegalStateException(name + "/" + type + ": " + a.detail());
        }
        return a.found() ? a.values() : List.of();
    }

    private Hit ask(DnsblCheck.Zone z, String domain) {
        String name = domain + "." + z.zone();
        DnsAnswer a = dns.lookup(name, "A");
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw new IllegalStateException(name + ": " + a.detail());
        }
        for (String answer : a.values()) {
            ListingCodes.Listing l = ListingCodes.match(z.codes(), answer);
            if (l != null) {
                String reason = l.meaning();
                if (reason == null) {
                    DnsAnswer txt = dns.lookup(name, "TXT");
                    reason = txt.found() ? txt.values().get(0) : null;
                }
                return new Hit(z, domain, answer, reason);
            }
        }
        return null;
    }
}
