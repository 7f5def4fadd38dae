package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.EnvelopeCheck;

/** The envelope sender's facts (null sender, address literal, domain). No settings of its own and no state. */
public final class EnvelopeModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "envelope";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new EnvelopeCheck());
    }
}
