package net.portcullis.gateway.checks;

import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.rate.RateLimits;
import net.portcullis.policy.store.Lists;

/**
 * What a check may be built from: the configuration (with each module's own section), and the
 * shared parts a check may need (DNS, the local lists, the consent records, the rate levels, the
 * executor for I/O). One record, so a new check adds a field here at most, never a parameter to
 * every constructor on the way (Apache James' RcptHook lesson).
 *
 * @param consent null where no store is at hand (the signal catalogue)
 */
public record CheckEnv(GatewayConfig config, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor,
                       RateLimits rates, net.portcullis.policy.greylist.Greylist greylist, Tarpit tarpit) {
    /** The parsed section of a module (its {@link CheckModule#parse} result). */
    public <C> C section(CheckModule<C> module) {
        return module.section() == null ? null : module.configType().cast(config.checkSections().get(module.section()));
    }
}
