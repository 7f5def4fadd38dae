package net.portcullis.policy.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.LocalDomains;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/** The recipient being decided, and whether its domain is one of ours (the relay stage's question). */
public final class RecipientCheck implements Check {
    private final LocalDomains domains;

    public RecipientCheck(LocalDomains domains) {
        this.domains = domains;
    }

    private static final Spec SPEC = Spec.inline("recipient", Stage.RELAY, List.of(
                new SignalSpec("rcpt.address", Type.STRING, Stage.RELAY, "the recipient being decided", "user@example.net"),
                new SignalSpec("rcpt.domain", Type.STRING, Stage.RELAY, "its domain, lower case (\"\" for bare <postmaster>)", "example.net"),
                new SignalSpec("rcpt.local_domain", Type.BOOL, Stage.RELAY, "its domain is one of ours (gateway.yaml: domains)", "true")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        MailAddress r = e.recipient();
        boolean local = domains.isLocal(r);
        return List.of(
                Signal.of("rcpt.address", r.address(), "RCPT TO:<" + r.address() + ">"),
                Signal.of("rcpt.domain", r.domain() == null ? "" : r.domain(), "domain of RCPT TO"),
                Signal.of("rcpt.local_domain", local, r.isBarePostmaster() ? "bare <postmaster> is always ours (RFC 5321 4.5.1)"
                        : r.domain() + (local ? " is" : " is not") + " in domains"));
    }
}
