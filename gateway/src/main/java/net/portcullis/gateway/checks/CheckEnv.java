package net.portcullis.gateway.checks;

import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.redis.RedisLink;
import net.portcullis.policy.store.Lists;

/**
 * What a check may be built from: the configuration (with each module's own section), and the
 * services a check may need (DNS, the local lists, the consent records, the executor for I/O,
 * the fleet's Redis link, the metrics) and the {@link SharedState} where a stateful check keeps
 * what must outlive a reload. One record, so a new check adds nothing here and no parameter to
 * any constructor on the way (Apache James' RcptHook lesson): it takes what it needs from here.
 *
 * @param consent    null where no store is at hand (the signal catalogue)
 * @param redis      null when redis.url is off: state stays in this process
 * @param metrics    null where nothing is exposed (`rules test`, the catalogue)
 * @param store      the store (lists, reports, reputation), for checks that read more of it than the
 *                   lists; null where there is none (the catalogue)
 * @param explaining the checks are built to explain a verdict (`rules test`): they look but
 *                   change no state and never wait (no greylist entry, no tarpit)
 */
public record CheckEnv(GatewayConfig config, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor,
                       SharedState shared, RedisLink redis, Metrics metrics, boolean explaining,
                       net.portcullis.policy.store.Database store) {
    /** The parsed section of a module (its {@link CheckModule#parse} result). */
    public <C> C section(CheckModule<C> module) {
        return module.section() == null ? null : module.configType().cast(config.checkSections().get(module.section()));
    }

    /** The fleet's key prefix for a module's state in Redis ({@code redis.prefix} + {@code name} + ":"). */
    public String redisPrefix(String name) {
        return config.redis().prefix() + name + ":";
    }
}
