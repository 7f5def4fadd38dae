package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.SpfCheck;

/** SPF of the envelope sender (RFC 7208); the HELO identity is the {@code helo} module's. No settings of its own and no state. */
public final class SpfModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "spf";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new SpfCheck(env.dns(), env.config().hostname(), SpfCheck.Identity.MAIL_FROM));
    }
}
