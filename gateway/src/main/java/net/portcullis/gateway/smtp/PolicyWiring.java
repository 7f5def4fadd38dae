package net.portcullis.gateway.smtp;

import java.util.List;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ClientCheck;
import net.portcullis.policy.checks.EnvelopeCheck;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.MessageCheck;
import net.portcullis.policy.checks.RecipientCheck;
import java.util.Set;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.Networks;

/** The checks a gateway runs, built from its configuration: one list, used by serve, rules test and signals. */
public final class PolicyWiring {
    private PolicyWiring() {
    }

    public record Checks(List<Check> all, RecipientCheck recipients) { }

    public static Checks checks(GatewayConfig cfg, Dns dns) {
        return checks(cfg.domains(), cfg.trustedNetworks(), dns);
    }

    static Checks checks(Set<String> domains, Networks trusted, Dns dns) {
        RecipientCheck rc = new RecipientCheck(domains);
        return new Checks(List.of(new ClientCheck(trusted), new HeloCheck(), new EnvelopeCheck(), rc,
                new MessageCheck()), rc);
    }

    /** The signal catalogue, which does not depend on configuration values. */
    public static Catalogue catalogue() {
        return PolicyEngine.catalogueOf(checks(Set.of(), new Networks(List.of()), new InMemoryDns()).all());
    }
}
