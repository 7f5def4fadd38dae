package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ProtocolCheck;

/** How the client speaks SMTP (pipelining before it may, commands it should not send). No settings of its own and no state. */
public final class ProtocolModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "protocol";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new ProtocolCheck());
    }
}
