package net.portcullis.gateway.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.Party;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.GreylistCheck;
import net.portcullis.policy.greylist.Greylist;
import net.portcullis.policy.greylist.RedisGreylistStore;

/**
 * {@code greylist:} in gateway.yaml — the timings, the automatic allowlisting and the list of
 * large providers (a file of domains: greylist_providers.txt of the rule lists, conf/lists/,
 * replaced by conf/local.d/lists/greylist_providers.txt when that exists). Whether greylisting defers
 * anything is the rules' choice (45-greylist.rules ships in monitor mode).
 */
public final class GreylistModule implements CheckModule<GreylistModule.Settings> {
    /** The greylist's timings, and the providers file when gateway.yaml names one (null: the one of the rule lists). */
    public record Settings(Greylist.Config greylist, Path providers) { }

    @Override
    public String name() {
        return "greylist";
    }

    @Override
    public String section() {
        return "greylist";
    }

    @Override
    public Class<Settings> configType() {
        return Settings.class;
    }

    @Override
    public Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("delay", "window", "lifetime", "auto_allow", "network_v4", "network_v6", "max_triplets", "providers"));
        Duration delay = s.duration("delay", Duration.ofMinutes(5));
        Duration window = s.duration("window", Duration.ofHours(4));
        if (window.compareTo(delay) <= 0) {
            throw ConfigException.of(s.key("window"), s.string("window", ""), "must be longer than greylist.delay, or no retry could pass");
        }
        Greylist.Config g = new Greylist.Config(delay, window, s.duration("lifetime", Duration.ofDays(36)),
                s.integer("auto_allow", 5, 1, 1_000_000), s.integer("network_v4", 24, 8, 32), s.integer("network_v6", 64, 16, 128),
                s.integer("max_triplets", 1_000_000, 1000, 50_000_000));
        String file = s.string("providers", "");
        return new Settings(g, file.isEmpty() ? null : Path.of(file));
    }

    static Set<String> providers(String key, Path file) throws ConfigException {
        Set<String> out = new TreeSet<>();
        if (!Files.exists(file)) {
            return out; // no list: no provider is spared, and the rule file says so in monitor mode first
        }
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).replaceAll("#.*", "").strip().toLowerCase(Locale.ROOT);
                if (l.isEmpty()) {
                    continue;
                }
                if (!l.matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}")) {
                    throw new ConfigException(file + ":" + (i + 1) + ": '" + l + "' is not a domain name (" + key + ")");
                }
                out.add(l);
            }
        } catch (IOException e) {
            throw ConfigException.of(key, file.toString(), "cannot be read: " + e.getMessage());
        }
        return out;
    }

    /** The providers: the file gateway.yaml names, else greylist_providers.txt of the rule lists (local.d/lists first). */
    @Override
    public List<Check> build(CheckEnv env) throws ConfigException {
        Path file = env.section(this).providers();
        if (file == null) {
            Path local = env.config().rules().local().resolve("lists/greylist_providers.txt");
            file = Files.exists(local) ? local : env.config().rules().lists().resolve("greylist_providers.txt");
        }
        return List.of(new GreylistCheck(greylist(env), providers("greylist.providers", file)));
    }

    /**
     * The greylist: in the fleet's Redis when redis.url is set, else in this process's memory;
     * made once and kept across reloads. Only looking when the checks explain a verdict.
     */
    public Greylist greylist(CheckEnv env) {
        return env.shared().get("greylist", Greylist.class, () -> {
            Settings s = env.section(this);
            Greylist g;
            if (env.redis() == null) {
                g = new Greylist(s.greylist(), Clock.systemUTC());
            } else {
                RedisGreylistStore store = new RedisGreylistStore(env.redis(), env.redisPrefix("grey"));
                env.shared().closeLater(store);
                g = new Greylist(s.greylist(), Clock.systemUTC(), store, env.config().redis().failOpen());
            }
            if (env.metrics() != null) {
                env.metrics().counter("portcullis.greylist.store.failures", "greylist looks and counts that failed: store unreachable",
                        g, Greylist::failures);
            }
            return env.explaining() ? g.readOnly() : g;
        });
    }

    /** Learns from delivered mail: a client and sender whose mail went through pass the next time without waiting. */
    @Override
    public List<TransactionObserver> observers(CheckEnv env) {
        Greylist greylist = greylist(env);
        return List.of(new TransactionObserver() {
            @Override
            public void onDelivered(Party p, List<String> recipients, long octets) {
                greylist.delivered(p.client(), p.sender());
            }
        });
    }
}
