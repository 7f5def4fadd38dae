package net.portcullis.gateway.smtp;

import java.util.List;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ClientCheck;
import net.portcullis.policy.checks.EnvelopeCheck;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.MessageCheck;
import net.portcullis.policy.checks.RecipientCheck;
import net.portcullis.policy.dns.Dns;

/** The checks a gateway runs, built from its configuration: one list, used by serve, rules test and signals. */
public final class PolicyWiring {
    private PolicyWiring() {
    }

    public record Checks(List<Check> all, RecipientCheck recipients) { }

    public static Checks checks(GatewayConfig cfg, Dns dns) {
        RecipientCheck rc = new RecipientCheck(cfg.domains());
        return new Checks(List.of(new ClientCheck(cfg.trustedNetworks()), new HeloCheck(), new EnvelopeCheck(), rc,
                new MessageCheck()), rc);
    }
}
