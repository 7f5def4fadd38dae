package net.portcullis.policy.checks;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Network;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The client's reverse name: whether it has one, whether it is forward-confirmed (its A/AAAA
 * lead back to the client), and whether it looks generic or dynamic (a pattern from the list
 * file, or the address's own digits in the name) — where botnets send from.
 */
public final class ReverseDnsCheck implements Check {
    private final Dns dns;
    private final List<Pattern> dynamicPatterns;

    public ReverseDnsCheck(Dns dns, List<Pattern> dynamicPatterns) {
        this.dns = dns;
        this.dynamicPatterns = List.copyOf(dynamicPatterns);
    }

    /** The patterns shipped in conf/lists/dynamic_patterns.txt, for when no file is configured. */
    public static List<Pattern> defaultPatterns() {
        return List.of(Pattern.compile("(?i)(^|[.-])(dyn|dynamic|dhcp|pool|dsl|adsl|xdsl|cable|ppp|pppoe|dialup|dial|broadband|"
                + "customer|cust|residential|wireless|mobile)[0-9.-]"));
    }

    private static final Spec SPEC = Spec.dns("reverse-dns", Stage.CONNECT, List.of(
                new SignalSpec("client.has_ptr", Type.BOOL, Stage.CONNECT, "the client address has a reverse (PTR) name", "true"),
                new SignalSpec("client.fcrdns", Type.BOOL, Stage.CONNECT, "the reverse name's A/AAAA records include the client address", "true"),
                new SignalSpec("client.dynamic", Type.BOOL, Stage.CONNECT, "the reverse name looks generic or dynamic "
                        + "(dynamic_patterns, or the address's digits in the name)", "false")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        Client c = e.client();
        String ip = c.address().getHostAddress();
        if (c.reverseName() == null) {
            if (c.ptrFailure() != null) {
                String why = "PTR of " + ip + ": " + c.ptrFailure();
                return List.of(Signal.unavailable("client.has_ptr", why, true), Signal.unavailable("client.fcrdns", why, true),
                        Signal.unavailable("client.dynamic", why, true));
            }
            return List.of(Signal.of("client.has_ptr", false, ip + " has no PTR record"),
                    Signal.of("client.fcrdns", false, "no reverse name to confirm"),
                    Signal.of("client.dynamic", false, "no reverse name to judge"));
        }
        String name = c.reverseName().toLowerCase(Locale.ROOT);
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("client.has_ptr", true, "PTR of " + ip + " is " + name));
        boolean v4 = c.address().getAddress().length == 4;
        DnsAnswer fwd = dns.lookup(name, v4 ? "A" : "AAAA");
        if (fwd.status() == DnsAnswer.Status.TEMPFAIL) {
            out.add(Signal.unavailable("client.fcrdns", (v4 ? "A " : "AAAA ") + name + ": " + fwd.detail(), true));
        } else {
            boolean confirmed = false;
            for (String v : fwd.values()) {
                try {
                    confirmed |= java.util.Arrays.equals(Network.address(v).getAddress(), c.address().getAddress());
                } catch (IllegalArgumentException ignored) {
                    // a non-address answer confirms nothing
                }
            }
            out.add(Signal.of("client.fcrdns", confirmed, confirmed ? name + " resolves back to " + ip
                    : name + " resolves to " + (fwd.values().isEmpty() ? "nothing" : String.join(" ", fwd.values())) + ", not " + ip));
        }
        String why = dynamicReason(name, c.address());
        out.add(Signal.of("client.dynamic", why != null, why != null ? why : name + " does not look dynamic"));
        return out;
    }

    private String dynamicReason(String name, InetAddress address) {
        for (Pattern p : dynamicPatterns) {
            if (p.matcher(name).find()) {
                return name + " matches dynamic pattern /" + p.pattern() + "/";
            }
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int[] o = {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff};
            String fwd = o[0] + "[.-]" + o[1] + "[.-]" + o[2] + "[.-]" + o[3];
            String rev = o[3] + "[.-]" + o[2] + "[.-]" + o[1] + "[.-]" + o[0];
            String hex = String.format("%02x%02x%02x%02x", o[0], o[1], o[2], o[3]);
            if (Pattern.compile("(^|\\D)(" + fwd + "|" + rev + ")(\\D|$)").matcher(name).find() || name.contains(hex)) {
                return name + " holds the digits of the address " + address.getHostAddress();
            }
        }
        return null;
    }
}
