package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ClientCheck;

/** The client's facts (address, trusted network, authentication): {@code trusted_networks} is the gateway's own setting, which relaying reads too. No settings of its own and no state. */
public final class ClientModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "client";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new ClientCheck(env.config().trustedNetworks()));
    }
}
