package net.portcullis.policy.checks;

import java.util.List;
import java.util.Set;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.greylist.Greylist;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Greylisting as signals, per recipient: {@code greylist.result} (new, early, pass, allowed) and
 * {@code greylist.provider} — the client is a large provider by its forward-confirmed name, or
 * the sender's domain passed SPF and is one (the providers list): their retries come from pools
 * and their one-time codes must not wait. Rules decide (45-greylist.rules, monitor by default).
 */
public final class GreylistCheck implements Check {
    private final Greylist greylist;
    private final Set<String> providers;

    /** @param providers domains (and their subdomains) of large senders, lower case */
    public GreylistCheck(Greylist greylist, Set<String> providers) {
        this.greylist = greylist;
        this.providers = providers;
    }

    private static final Spec SPEC = Spec.inline("greylist", Stage.RCPT, List.of(
                new SignalSpec("greylist.result", Type.STRING, Stage.RCPT, "the greylist for this client network, sender and "
                        + "recipient: new (defer), early (retried too soon), pass, allowed (enough delivered lately)", "pass"),
                new SignalSpec("greylist.provider", Type.BOOL, Stage.RCPT, "the client or the sender's SPF-passing domain is a large "
                        + "provider (greylist.providers): spared from greylisting", "false")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        String why = provider(e);
        Greylist.Result r;
        try {
            r = greylist.check(e.client().address(), e.sender(), e.recipient().address());
        } catch (IllegalStateException unavailable) {
            // redis.fail: closed — a rule reading it fails temporarily (451), it never passes or defers by mistake
            return List.of(Signal.unavailable("greylist.result", unavailable.getMessage(), false),
                    Signal.of("greylist.provider", why != null, why == null ? "not a listed provider" : why));
        }
        return List.of(Signal.of("greylist.result", r.word(), "triplet " + r.word()),
                Signal.of("greylist.provider", why != null, why == null ? "not a listed provider" : why));
    }

    private String provider(Event e) {
        Object name = e.earlier("client.name");
        if (Boolean.TRUE.equals(e.earlier("client.fcrdns")) && name instanceof String n && listed(n)) {
            return "confirmed name " + n;
        }
        Object spf = e.earlier("spf.result");
        Object dom = e.earlier("spf.domain");
        if ("pass".equals(spf) && dom instanceof String d && listed(d)) {
            return "SPF pass for " + d;
        }
        return null;
    }

    private boolean listed(String host) {
        String h = host.replaceAll("\\.$", "");
        return net.portcullis.policy.DomainSuffixes.find(h, d -> providers.contains(d) ? d : null) != null;
    }
}
