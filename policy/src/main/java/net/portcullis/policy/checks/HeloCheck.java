package net.portcullis.policy.checks;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Network;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The HELO/EHLO name: its syntax (RFC 5321 4.1.1.1: a FQDN or an address literal), a bare IP
 * without brackets, a claim to be us (our hostname, domains or addresses), whether it resolves
 * and whether it resolves to the client. Every HELO of a session is checked: the gateway keeps a
 * refusal for the session, so a second HELO does not undo it.
 */
public final class HeloCheck implements Check {
    private static final java.util.regex.Pattern FQDN =
            java.util.regex.Pattern.compile("(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?\\.?");

    private final Dns dns;
    private final String hostname;
    private final Set<String> domains;
    private final Set<InetAddress> ourAddresses;

    public HeloCheck(Dns dns, String hostname, Set<String> domains, Set<InetAddress> ourAddresses) {
        this.dns = dns;
        this.hostname = hostname == null ? "" : hostname.toLowerCase(Locale.ROOT);
        this.domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.ourAddresses = Set.copyOf(ourAddresses);
    }

    private static final Spec SPEC = Spec.dns("helo", Stage.HELO, List.of(
                new SignalSpec("helo.name", Type.STRING, Stage.HELO, "the HELO/EHLO argument as sent", "mail.example.com"),
                new SignalSpec("helo.syntax", Type.STRING, Stage.HELO, "fqdn, address-literal, bare-ip (an IP without brackets) or invalid", "fqdn"),
                new SignalSpec("helo.claims_us", Type.BOOL, Stage.HELO, "the name is our hostname, one of our domains, or one of our addresses", "false"),
                new SignalSpec("helo.resolves", Type.BOOL, Stage.HELO, "the name has A or AAAA records (literals: false)", "true"),
                new SignalSpec("helo.matches_client", Type.BOOL, Stage.HELO, "the name (or literal) is the client's own address", "true")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        String helo = e.client().helo();
        if (helo == null) {
            return List.of();
        }
        InetAddress client = e.client().address();
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("helo.name", helo, "HELO/EHLO argument"));
        String h = helo.toLowerCase(Locale.ROOT);
        InetAddress literal = null;
        String syntax;
        if (h.startsWith("[") && h.endsWith("]")) {
            String inner = h.substring(1, h.length() - 1);
            inner = inner.startsWith("ipv6:") ? inner.substring(5) : inner;
            literal = ip(inner);
            syntax = literal == null ? "invalid" : "address-literal";
        } else if ((literal = ip(h)) != null) {
            syntax = "bare-ip";
        } else {
            syntax = FQDN.matcher(h).matches() && h.length() <= 255 ? "fqdn" : "invalid";
        }
        out.add(Signal.of("helo.syntax", syntax, syntaxEvidence(syntax, helo)));
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        boolean us = literal != null ? ourAddresses.contains(literal) : (name.equals(hostname) || domains.contains(name));
        out.add(Signal.of("helo.claims_us", us, us ? helo + " is ours (hostname, domains or addresses)" : helo + " is not one of ours"));
        if (literal != null) {
            out.add(Signal.of("helo.resolves", false, "an address, not a name"));
            boolean same = java.util.Arrays.equals(literal.getAddress(), client.getAddress());
            out.add(Signal.of("helo.matches_client", same, same ? "literal is the client address" : "literal "
                    + literal.getHostAddress() + " is not the client " + client.getHostAddress()));
            return out;
        }
        if (!syntax.equals("fqdn")) {
            out.add(Signal.of("helo.resolves", false, "not a domain name"));
            out.add(Signal.of("helo.matches_client", false, "not a domain name"));
            return out;
        }
        DnsAnswer a = dns.lookup(name, "A");
        DnsAnswer aaaa = dns.lookup(name, "AAAA");
        if (a.status() == DnsAnswer.Status.TEMPFAIL || aaaa.status() == DnsAnswer.Status.TEMPFAIL) {
            String why = "A/AAAA of " + name + ": " + (a.status() == DnsAnswer.Status.TEMPFAIL ? a.detail() : aaaa.detail());
            out.add(Signal.unavailable("helo.resolves", why, true));
            out.add(Signal.unavailable("helo.matches_client", why, true));
            return out;
        }
        List<String> addrs = new ArrayList<>(a.values());
        addrs.addAll(aaaa.values());
        out.add(Signal.of("helo.resolves", !addrs.isEmpty(), addrs.isEmpty() ? name + " has no A or AAAA record ("
                + a.status().name() + ")" : name + " resolves to " + String.join(" ", addrs)));
        boolean match = false;
        for (String v : addrs) {
            InetAddress x = ip(v);
            if (x != null && java.util.Arrays.equals(x.getAddress(), client.getAddress())) {
                match = true;
            }
        }
        out.add(Signal.of("helo.matches_client", match, match ? name + " resolves to the client " + client.getHostAddress()
                : name + " does not resolve to " + client.getHostAddress()));
        return out;
    }

    private static String syntaxEvidence(String syntax, String helo) {
        return switch (syntax) {
            case "bare-ip" -> helo + " is an IP address without the brackets of an address literal";
            case "invalid" -> helo + " is neither a fully qualified domain name nor an address literal";
            default -> helo + " is a valid " + (syntax.equals("fqdn") ? "domain name" : "address literal");
        };
    }

    private static InetAddress ip(String s) {
        return Network.addressOrNull(s);
    }
}
