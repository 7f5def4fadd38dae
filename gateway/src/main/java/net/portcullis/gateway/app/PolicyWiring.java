package net.portcullis.gateway.app;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.checks.CheckEnv;
import net.portcullis.gateway.checks.CheckRegistry;
import net.portcullis.gateway.checks.SharedState;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Catalogue;

/** The checks of a configuration, from the one registry (CheckRegistry): used by serve, rules test, replay and signals. */
public final class PolicyWiring {
    private PolicyWiring() {
    }

    /** A configuration's checks, its own domains (the relay question), and the modules' observers. */
    public record Checks(List<Check> all, net.portcullis.policy.LocalDomains domains, net.portcullis.gateway.session.Observers observers) { }

    /** Signals the gateway needs for its own Authentication-Results header. */
    public static final Set<String> FOR_AUTH_RESULTS = Set.of("spf.result", "spf.domain", "auth.results");

    static final Supplier<Lists.Snapshots> NO_LISTS = () -> Lists.of(List.of(), Clock.systemUTC());

    /** A configuration sufficient to list every check and signal: the values do not change the catalogue. */
    private static final String CATALOGUE_CONFIG = "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\ndomains: [example.net]\n";

    public static Checks checks(CheckEnv env) throws ConfigException {
        List<Check> all = CheckRegistry.build(env);
        return new Checks(all, net.portcullis.policy.LocalDomains.of(env.config().domains()), CheckRegistry.observers(env));
    }

    /**
     * The checks of a configuration for `rules test`: rate levels read (the fleet's in Redis, else a
     * fresh process's), the greylist only looked at, no tarpit, so explaining a verdict changes no
     * state and never waits.
     */
    public static Checks checks(GatewayConfig cfg, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor)
            throws ConfigException {
        return checks(cfg, dns, lists, consent, executor, null);
    }

    /** @param store the store, for the checks that read it beyond the lists (reputation); null: they are unavailable */
    public static Checks checks(GatewayConfig cfg, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor,
                                net.portcullis.policy.store.Database store) throws ConfigException {
        // the Redis link lives as long as this short-lived process
        return checks(new CheckEnv(cfg, dns, lists, consent, executor, new SharedState(), redisLink(cfg), null, true, store));
    }

    /**
     * How an address is searched for in the stored decisions: itself, or its pseudonym under the
     * newest key when log.pseudonymise is on (records written before a key rotation are found by
     * `privacy export`, which tries every key).
     */
    public static java.util.function.UnaryOperator<String> addressesAsStored(GatewayConfig cfg) throws java.io.IOException {
        if (cfg.log().pseudonymKey() == null) {
            return java.util.function.UnaryOperator.identity();
        }
        var p = net.portcullis.policy.privacy.Pseudonyms.load(cfg.log().pseudonymKey());
        return p::address;
    }

    /** The one connection to the fleet's Redis for all the shared state, or null when redis.url is off. */
    public static net.portcullis.policy.redis.RedisLink redisLink(GatewayConfig cfg) {
        GatewayConfig.Redis r = cfg.redis();
        return r.url() == null ? null : new net.portcullis.policy.redis.RedisLink(r.url(), r.timeout());
    }

    /** The checks of a configuration given as YAML text (tests). */
    static Checks checks(String yaml, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor)
            throws ConfigException {
        return checks(ConfigLoader.parse(yaml), dns, lists, consent, executor);
    }

    /** The signal catalogue, which does not depend on configuration values. */
    public static Catalogue catalogue() {
        try {
            return PolicyEngine.catalogueOf(checks(CATALOGUE_CONFIG, new InMemoryDns(), NO_LISTS, null, Runnable::run).all());
        } catch (ConfigException e) {
            throw new IllegalStateException("the catalogue's own configuration is invalid: " + e.getMessage(), e);
        }
    }
}
