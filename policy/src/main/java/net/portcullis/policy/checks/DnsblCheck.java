package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.ListingCodes;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.policy.dns.ReverseNames;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * DNS blacklists (RFC 5782): the client address (IPv4 reversed, IPv6 in nibbles) in IP lists at
 * connect, or domains (envelope sender, HELO) in RHSBLs at mail. All zones are asked at once.
 * An answer outside 127.0.0.0/8, or in 127.255.255.0/24 (the "query refused" codes of large
 * lists), is an error of the list, never a listing.
 */
public final class DnsblCheck implements Check {
    /** A list: its zone, what its return codes mean (empty: any code lists), and its weight. */
    public record Zone(String zone, Map<String, String> codes, long weight) { }

    /**
     * What is looked up: the client address, the envelope domains (sender, HELO), the From
     * domain; or the client address in an allowlist (DNSWL), whose answers 127.0.x.y say the
     * trust in y (0 none, 1 low, 2 medium, 3 high, as list.dnswl.org answers).
     */
    public enum Subject { CLIENT, ENVELOPE, FROM, ALLOW }

    private final Dns dns;
    private final List<Zone> zones;
    private final boolean domains;
    private final Subject subject;
    private final Executor executor;
    private final Spec spec;

    public DnsblCheck(Dns dns, List<Zone> zones, boolean domains, Executor executor) {
        this(dns, zones, domains ? Subject.ENVELOPE : Subject.CLIENT, executor);
    }

    public DnsblCheck(Dns dns, List<Zone> zones, Subject subject, Executor executor) {
        this.dns = dns;
        this.zones = List.copyOf(zones);
        this.subject = subject;
        this.domains = subject == Subject.ENVELOPE || subject == Subject.FROM;
        this.executor = executor;
        this.spec = Spec.dns(checkName(), checkStage(), signals());
    }

    private String p() {
        return switch (subject) {
            case CLIENT -> "dnsbl";
            case ALLOW -> "dnswl";
            case ENVELOPE -> "rhsbl";
            default -> "rhsbl.from";
        };
    }

    private String checkName() {
        return p();
    }

    private Stage checkStage() {
        return switch (subject) {
            case CLIENT, ALLOW -> Stage.CONNECT;
            case ENVELOPE -> Stage.MAIL;
            default -> Stage.DATA;
        };
    }

    private List<SignalSpec> signals() {
        String p = p();
        Stage s = checkStage();
        String what = switch (subject) {
            case CLIENT, ALLOW -> "the client address";
            case ENVELOPE -> "the sender's domain or the HELO name";
            default -> "the domain of the From header";
        };
        List<SignalSpec> specs = new ArrayList<>(List.of(
                new SignalSpec(p + ".listed", Type.BOOL, s, what + " is listed by at least one configured " + p + " zone", "true"),
                new SignalSpec(p + ".zone", Type.STRING, s, "the first zone that lists it; absent when none", "bl.example.org"),
                new SignalSpec(p + ".zones", Type.STRING, s, "every listing zone, space-separated", "bl.example.org dnsbl.example.com"),
                new SignalSpec(p + ".codes", Type.STRING, s, "the return codes, zone=code, with their configured meaning",
                        "bl.example.org=127.0.0.2 (spam source)"),
                new SignalSpec(p + ".reason", Type.STRING, s, "the TXT reason of the first listing zone; absent without one",
                        "Listed: see https://bl.example.org/"),
                new SignalSpec(p + ".score", Type.NUMBER, s, "the sum of the weights of the listing zones", "1")));
        if (domains) {
            specs.add(new SignalSpec(p + ".domain", Type.STRING, s, "the listed domain", "spammer.example"));
        }
        if (subject == Subject.ALLOW) {
            specs.add(new SignalSpec("dnswl.trust", Type.NUMBER, s, "the highest trust the listings give, the last octet of "
                    + "127.0.x.y (0 none, 1 low, 2 medium, 3 high); -1 when not listed", "2"));
        }
        return specs;
    }

    private record Hit(Zone zone, String name, String code, String meaning, String reason) { }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public List<Signal> run(Event e) throws Exception {
        String p = p();
        List<String> subjects = new ArrayList<>();
        if (subject == Subject.FROM) {
            for (String from : e.message().all("From")) {
                for (var box : net.portcullis.policy.Addresses.parse(from)) {
                    if (!box.domain().isEmpty() && !subjects.contains(box.domain())) {
                        subjects.add(box.domain());
                    }
                }
            }
        } else if (domains) {
            Object d = e.earlier("mail.from_domain");
            if (d != null) {
                subjects.add(d.toString());
            }
            String helo = e.client().helo();
            if (helo != null && helo.contains(".") && !helo.startsWith("[") && !subjects.contains(helo.toLowerCase())) {
                subjects.add(helo.toLowerCase());
            }
        } else {
            subjects.add(ReverseNames.reversed(e.client().address()));
        }
        List<java.util.function.Supplier<Hit>> asks = new ArrayList<>();
        for (Zone z : zones) {
            for (String subject : subjects) {
                asks.add(() -> ask(z, subject));
            }
        }
        List<Hit> hits = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Lookups.all(asks, executor, hits, errors);
        if (!errors.isEmpty() && hits.isEmpty() && subject != Subject.ALLOW) {
            // Could not find out: the rules must not decide as if the client were clean. (An
            // allowlist that cannot answer grants nothing, which is the safe side: no 451 for it.)
            String why = String.join("; ", errors);
            return spec.produces().stream().map(s -> Signal.unavailable(s.name(), why, true)).toList();
        }
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of(p + ".listed", !hits.isEmpty(), hits.isEmpty() ? "not listed by " + zoneNames()
                + (errors.isEmpty() ? "" : " (no answer: " + String.join("; ", errors) + ")") : "listed by "
                + hits.stream().map(h -> h.name).distinct().toList()));
        long score = 0;
        StringBuilder codes = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (Hit h : hits) {
            score += h.zone.weight();
            codes.append(codes.length() == 0 ? "" : " ").append(h.zone.zone()).append('=').append(h.code)
                    .append(h.meaning != null ? " (" + h.meaning + ")" : "");
            if (names.indexOf(h.zone.zone()) < 0) {
                names.append(names.length() == 0 ? "" : " ").append(h.zone.zone());
            }
        }
        out.add(new Signal(p + ".score", score, "sum of the weights of the listing zones"));
        if (subject == Subject.ALLOW) {
            long trust = -1;
            for (Hit h : hits) {
                trust = Math.max(trust, Long.parseLong(h.code.substring(h.code.lastIndexOf('.') + 1)));
            }
            out.add(new Signal("dnswl.trust", trust, hits.isEmpty() ? "not listed" : "highest trust of " + codes));
        }
        if (!hits.isEmpty()) {
            Hit first = hits.get(0);
            out.add(Signal.of(p + ".zone", first.zone.zone(), first.name + " answered " + first.code));
            out.add(Signal.of(p + ".zones", names.toString(), "listing zones"));
            out.add(Signal.of(p + ".codes", codes.toString(), "return codes"));
            if (first.reason != null) {
                out.add(Signal.of(p + ".reason", first.reason, "TXT " + first.name));
            }
            if (domains) {
                out.add(Signal.of(p + ".domain", first.name.substring(0, first.name.length() - first.zone.zone().length() - 1),
                        "the listed domain"));
            }
        }
        return out;
    }

    private String zoneNames() {
        return zones.stream().map(Zone::zone).toList().toString();
    }

    private Hit ask(Zone z, String subject) {
        String name = subject + "." + z.zone();
        DnsAnswer a = dns.lookup(name, "A");
        if (a.status() == DnsAnswer.Status.TEMPFAIL) {
            throw new IllegalStateException(name + ": " + a.detail());
        }
        for (String code : a.values()) {
            if (ListingCodes.refusal(code)) {
                org.slf4j.LoggerFactory.getLogger(DnsblCheck.class).warn("{} answered {} for {}: not a listing (list error or refusal)",
                        z.zone(), code, name);
                continue;
            }
            ListingCodes.Listing l = ListingCodes.match(z.codes(), code);
            if (l == null) {
                continue;
            }
            DnsAnswer txt = dns.lookup(name, "TXT");
            return new Hit(z, name, code, l.meaning(), txt.found() ? txt.values().get(0) : null);
        }
        return null;
    }
}
