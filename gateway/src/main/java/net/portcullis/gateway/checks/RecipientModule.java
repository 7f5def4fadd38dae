package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.LocalDomains;
import net.portcullis.policy.checks.RecipientCheck;

/** Whether a recipient is ours ({@code domains}, the gateway's own setting that relaying reads too). No settings of its own and no state. */
public final class RecipientModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "recipient";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new RecipientCheck(LocalDomains.of(env.config().domains())));
    }
}
