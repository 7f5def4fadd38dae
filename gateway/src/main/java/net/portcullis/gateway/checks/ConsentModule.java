package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ConsentChecks;

/** Opt-in consent (docs/consent.md): the registered bulk senders, each recipient's consent, commercial signs in the content; its records are the store's ({@code consent:} in gateway.yaml sets how long answers are cached and events kept). No settings of its own and no state. */
public final class ConsentModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "consent";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new ConsentChecks.BulkSender(env.consent()), new ConsentChecks.Recipient(env.consent()), new ConsentChecks.Content(),
                new ConsentChecks.Message(env.consent()));
    }
}
