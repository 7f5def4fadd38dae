package net.portcullis.policy.checks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import net.portcullis.policy.Addresses;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dkim.DkimResult;
import net.portcullis.policy.dkim.DkimVerifier;
import net.portcullis.policy.dmarc.DmarcEvaluator;
import net.portcullis.policy.dmarc.DmarcResult;
import net.portcullis.policy.dns.Dns;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * DKIM and DMARC at the end of data: DMARC needs DKIM's passing domains and the SPF result of
 * the MAIL stage, so one check runs both (each is its own class) and also writes the resinfo
 * of the Authentication-Results header the gateway adds (RFC 8601).
 */
public final class AuthenticationCheck implements Check {
    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;

    public AuthenticationCheck(Dns dns, Clock clock) {
        this.dkim = new DkimVerifier(dns, clock, false);
        this.dmarc = new DmarcEvaluator(dns);
    }

    private static final Spec SPEC = Spec.dns("authentication", Stage.DATA, List.of(
                new SignalSpec("dkim.result", Type.STRING, Stage.DATA, "best DKIM result of the message: pass, fail, policy, "
                        + "neutral, none, permerror, temperror", "pass"),
                new SignalSpec("dkim.domains", Type.STRING, Stage.DATA, "d= of the signatures that passed, space-separated", "shop.example"),
                new SignalSpec("dkim.signatures", Type.NUMBER, Stage.DATA, "number of DKIM-Signature fields", "1"),
                new SignalSpec("dkim.unsigned_octets", Type.NUMBER, Stage.DATA, "the most body octets a passing signature's l= "
                        + "left unsigned (0: every passing signature covers the whole body)", "0"),
                new SignalSpec("dmarc.partial_body", Type.BOOL, Stage.DATA, "DMARC passed only through DKIM signatures whose l= "
                        + "leaves part of the body unsigned (text anyone may have appended)", "false"),
                new SignalSpec("dmarc.result", Type.STRING, Stage.DATA, "DMARC result: pass, fail, none, temperror, permerror (also: no single valid From address)", "fail"),
                new SignalSpec("dmarc.policy", Type.STRING, Stage.DATA, "the policy published for the From domain (p= or sp=): "
                        + "none, quarantine, reject; absent without a record", "reject"),
                new SignalSpec("dmarc.domain", Type.STRING, Stage.DATA, "the From domain DMARC checked", "bank.example"),
                new SignalSpec("dmarc.pct", Type.NUMBER, Stage.DATA, "pct= of the record (100 by default)", "100"),
                new SignalSpec("dmarc.sampled", Type.BOOL, Stage.DATA, "this message falls within pct= (a random draw)", "true"),
                new SignalSpec("auth.results", Type.STRING, Stage.DATA, "the resinfo of our Authentication-Results header",
                        "spf=pass smtp.mailfrom=shop.example; dkim=pass header.d=shop.example; dmarc=pass header.from=shop.example")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        List<Signal> out = new ArrayList<>();
        List<DkimResult> sigs = dkim.verify(e.message());
        String best = "none";
        List<String> passing = new ArrayList<>();
        List<String> wholeBody = new ArrayList<>();
        long unsigned = 0;
        StringBuilder evidence = new StringBuilder();
        for (DkimResult r : sigs) {
            if (DkimResult.rank(r.result()) < DkimResult.rank(best)) {
                best = r.result();
            }
            if (r.result().equals("pass")) {
                passing.add(r.domain());
                unsigned = Math.max(unsigned, r.unsignedOctets());
                if (r.unsignedOctets() == 0) {
                    wholeBody.add(r.domain());
                }
            }
            evidence.append(evidence.length() == 0 ? "" : "; ").append("d=").append(r.domain()).append(" s=").append(r.selector())
                    .append(' ').append(r.algorithm()).append(": ").append(r.result()).append(" (").append(r.reason()).append(')');
        }
        out.add(Signal.of("dkim.result", best, sigs.isEmpty() ? "no DKIM-Signature" : evidence.toString()));
        out.add(Signal.of("dkim.domains", String.join(" ", passing), passing.isEmpty() ? "no signature passed" : "passing signatures"));
        out.add(new Signal("dkim.signatures", (long) sigs.size(), "DKIM-Signature fields"));
        out.add(new Signal("dkim.unsigned_octets", unsigned, unsigned == 0 ? "no l= shorter than the body" : "l= of a passing signature"));

        List<String> froms = e.message().all("From");
        String fromDomain = Addresses.authorDomain(froms);
        Object spf = e.earlier("spf.result");
        Object spfDomain = e.earlier("spf.domain");
        // No single valid author domain: nothing to align with, and not a silent "none" either
        // (RFC 7489 6.6.1); rules refuse it by dmarc.result == "permerror" or header.from_valid.
        DmarcResult d = fromDomain == null
                ? new DmarcResult("permerror", "", null, 100, false, false, "",
                        froms.isEmpty() ? "no From field" : froms.size() > 1 ? "several From fields"
                                : "the From field does not hold exactly one address with a valid domain")
                : dmarc.evaluate(fromDomain, spf == null ? "none" : spf.toString(),
                        spfDomain == null ? null : spfDomain.toString(), passing);
        out.add(Signal.of("dmarc.result", d.result(), d.reason()));
        boolean partial = false;
        if (d.result().equals("pass") && wholeBody.size() < passing.size()) {
            // would it still pass on the signatures that cover the whole body?
            DmarcResult strict = dmarc.evaluate(fromDomain, spf == null ? "none" : spf.toString(),
                    spfDomain == null ? null : spfDomain.toString(), wholeBody);
            partial = !strict.result().equals("pass");
        }
        out.add(Signal.of("dmarc.partial_body", partial, partial ? "the aligned DKIM signatures leave " + unsigned
                + " octet(s) of the body unsigned and SPF is not aligned" : "DMARC does not rest on a partial signature"));
        if (d.policy() != null) {
            out.add(Signal.of("dmarc.policy", d.policy(), d.record()));
        }
        if (!d.fromDomain().isEmpty()) {
            out.add(Signal.of("dmarc.domain", d.fromDomain(), "From header"));
        }
        out.add(new Signal("dmarc.pct", (long) d.pct(), d.record().isEmpty() ? "default" : d.record()));
        out.add(Signal.of("dmarc.sampled", ThreadLocalRandom.current().nextInt(100) < d.pct(), "random draw against pct=" + d.pct()));

        StringBuilder ar = new StringBuilder();
        if (spf != null) {
            ar.append("spf=").append(spf).append(" smtp.mailfrom=").append(spfDomain == null ? "" : spfDomain);
        }
        if (sigs.isEmpty()) {
            append(ar, "dkim=none");
        }
        for (DkimResult r : sigs) {
            append(ar, "dkim=" + r.result() + " header.d=" + r.domain() + " header.s=" + r.selector()
                    + (r.result().equals("pass") ? "" : " reason=\"" + r.reason().replace("\"", "'") + "\""));
        }
        append(ar, "dmarc=" + d.result() + (d.fromDomain().isEmpty() ? "" : " header.from=" + d.fromDomain()));
        out.add(Signal.of("auth.results", ar.toString(), "composed from the SPF, DKIM and DMARC results"));
        return out;
    }

    private static void append(StringBuilder b, String s) {
        b.append(b.length() == 0 ? "" : ";\r\n\t").append(s);
    }
}
