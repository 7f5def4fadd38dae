package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.spf.SpfEvaluator;
import net.portcullis.policy.spf.SpfResult;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * SPF (RFC 7208) for the MAIL FROM identity — or, for the null sender, the HELO identity as
 * the RFC says (2.4) — and separately for the HELO identity itself.
 */
public final class SpfCheck implements Check {
    public enum Identity { MAIL_FROM, HELO }

    private final SpfEvaluator spf;
    private final Spec spec;
    private final Identity identity;

    public SpfCheck(Dns dns, String receiver, Identity identity) {
        this.spf = new SpfEvaluator(dns, receiver);
        this.identity = identity;
        this.spec = Spec.dns(checkName(), checkStage(), signals());
    }

    private String prefix() {
        return identity == Identity.HELO ? "spf.helo" : "spf";
    }

    private String checkName() {
        return identity == Identity.HELO ? "spf-helo" : "spf";
    }

    private Stage checkStage() {
        return identity == Identity.HELO ? Stage.HELO : Stage.MAIL;
    }

    private List<SignalSpec> signals() {
        String p = prefix();
        String who = identity == Identity.HELO ? "the HELO name" : "the MAIL FROM domain (the HELO name for <>)";
        Stage st = checkStage();
        return List.of(
                new SignalSpec(p + ".result", Type.STRING, st, "SPF result for " + who
                        + ": pass, fail, softfail, neutral, none, permerror, temperror", "softfail"),
                new SignalSpec(p + ".domain", Type.STRING, st, "the domain whose SPF record was checked", "shop.example"),
                new SignalSpec(p + ".mechanism", Type.STRING, st, "the SPF term that matched; absent when none did", "-all"),
                new SignalSpec(p + ".explanation", Type.STRING, st, "the domain's explanation of a fail (exp=); absent without one",
                        "see https://shop.example/spf"));
    }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public List<Signal> run(Event e) {
        String helo = e.client().helo();
        String domain;
        String sender;
        if (identity == Identity.HELO || e.sender() == null || e.sender().isEmpty()) {
            if (helo == null || helo.startsWith("[")) {
                return none("no HELO name to check");
            }
            domain = helo;
            sender = "postmaster@" + helo;
        } else {
            int at = e.sender().lastIndexOf('@');
            domain = at < 0 ? "" : e.sender().substring(at + 1);
            sender = at == 0 ? "postmaster" + e.sender() : e.sender();
        }
        SpfResult r = spf.checkHost(e.client().address(), domain, sender, helo);
        String p = prefix();
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of(p + ".result", r.result(), r.detail()));
        out.add(Signal.of(p + ".domain", domain.toLowerCase(java.util.Locale.ROOT), "identity " + sender));
        if (!r.mechanism().isEmpty()) {
            out.add(Signal.of(p + ".mechanism", r.mechanism(), "in the record of " + r.domain()));
        }
        if (!r.explanation().isEmpty()) {
            out.add(Signal.of(p + ".explanation", r.explanation(), "exp= of " + r.domain()));
        }
        return out;
    }

    private List<Signal> none(String why) {
        return List.of(Signal.of(prefix() + ".result", "none", why));
    }
}
