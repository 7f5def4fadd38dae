package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.Party;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.RateCheck;
import net.portcullis.policy.rate.MemoryRateCounters;
import net.portcullis.policy.rate.RateLimits;
import net.portcullis.policy.rate.RedisRateCounters;
import net.portcullis.rules.Stage;

/**
 * {@code ratelimit:} in gateway.yaml — the network widths and the limits, each
 * {@code SUBJECT.COUNT: MAX/WINDOW} or {@code off}:
 *
 * <pre>
 * ratelimit:
 *   network_v4: 24
 *   network_v6: 64
 *   limits:
 *     client.messages: 600/1h
 *     network.connections: off
 * </pre>
 *
 * Defaults are generous: they stop a flood, not a busy legitimate sender. The shipped rules
 * (15-rates.rules) decide what being over means; the limits only count.
 */
public final class RateLimitModule implements CheckModule<RateLimits.Config> {
    /** The default limits; a key not listed in the file keeps its default. */
    static final Map<String, String> DEFAULTS = defaults();
    private static final Pattern LIMIT = Pattern.compile("(\\d{1,12})([kKmMgG]?)\\s*/\\s*(\\d{1,9})(s|m|h|d)");

    private static Map<String, String> defaults() {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("client.connections", "60/1m");
        d.put("network.connections", "300/1m");
        d.put("client.messages", "600/1h");
        d.put("network.messages", "3000/1h");
        d.put("client.recipients", "3000/1h");
        d.put("client.refused_recipients", "30/10m");
        d.put("client.bytes", "1G/1h");
        d.put("sender_domain.messages", "5000/1h");
        d.put("auth_user.messages", "1000/1h");
        d.put("recipient.messages", "500/1h");
        return java.util.Collections.unmodifiableMap(d);
    }

    @Override
    public String name() {
        return "ratelimit";
    }

    @Override
    public String section() {
        return "ratelimit";
    }

    @Override
    public Class<RateLimits.Config> configType() {
        return RateLimits.Config.class;
    }

    @Override
    public RateLimits.Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("network_v4", "network_v6", "limits", "max_tracked"));
        int v4 = s.integer("network_v4", 24, 8, 32);
        int v6 = s.integer("network_v6", 64, 16, 128);
        ConfigSection l = s.section("limits");
        Set<String> known = new java.util.TreeSet<>();
        for (RateLimits.Subject subject : RateLimits.Subject.values()) {
            for (RateLimits.Count count : RateLimits.Count.values()) {
                if (RateLimits.Limit.valid(subject, count)) {
                    known.add(subject.word() + "." + count.word());
                }
            }
        }
        l.allow(known);
        List<RateLimits.Limit> limits = new ArrayList<>();
        for (String k : known) {
            String v = l.string(k, DEFAULTS.getOrDefault(k, "off"));
            if (l.off(k) || v.equals("off")) {
                continue;
            }
            String[] sc = k.split("\\.");
            limits.add(limit(l.key(k), v, RateLimits.Subject.valueOf(sc[0].toUpperCase(Locale.ROOT)),
                    RateLimits.Count.valueOf(sc[1].toUpperCase(Locale.ROOT))));
        }
        return new RateLimits.Config(v4, v6, List.copyOf(limits), s.integer("max_tracked", 200_000, 1000, 10_000_000));
    }

    static RateLimits.Limit limit(String key, String v, RateLimits.Subject subject, RateLimits.Count count) throws ConfigException {
        Matcher m = LIMIT.matcher(v.strip());
        if (!m.matches()) {
            throw ConfigException.of(key, v, "is not a limit: MAX/WINDOW like 600/1h, 30/10m, 1G/1d (bytes), or off");
        }
        if (!m.group(2).isEmpty() && count != RateLimits.Count.BYTES) {
            throw ConfigException.of(key, v, "counts " + count.word().replace('_', ' ') + ", not bytes: no K, M or G");
        }
        long max = ConfigSection.bytes(Long.parseLong(m.group(1)), m.group(2));
        if (max < 1 || max > 1L << 50) {
            throw ConfigException.of(key, v, "has a maximum outside 1.." + (1L << 50));
        }
        Duration window = ConfigSection.duration(Long.parseLong(m.group(3)), m.group(4));
        if (window.toSeconds() < 1 || window.compareTo(Duration.ofDays(30)) > 0) {
            throw ConfigException.of(key, v, "has a window outside 1s..30d");
        }
        return new RateLimits.Limit(subject, count, max, window);
    }

    /**
     * The rate levels: counted in the fleet's Redis when redis.url is set, else in this process's
     * memory; made once and kept across reloads (a reload does not reset a count).
     */
    public RateLimits rates(CheckEnv env) {
        return env.shared().get("rate-limits", RateLimits.class, () -> {
            RateLimits.Config rc = env.section(this);
            if (env.redis() == null) {
                return new RateLimits(rc, new MemoryRateCounters(rc.maxTracked(), Duration.ofDays(31)));
            }
            RedisRateCounters counters = new RedisRateCounters(env.redis(), env.redisPrefix("rate"), env.config().redis().failOpen());
            if (env.metrics() != null) {
                env.metrics().counter("portcullis.redis.failures", "rate events not counted or levels not read: Redis unreachable",
                        counters, RedisRateCounters::failures);
            }
            return new RateLimits(rc, counters);
        });
    }

    @Override
    public List<Check> build(CheckEnv env) {
        RateLimits rates = rates(env);
        List<Check> out = new ArrayList<>();
        for (Stage s : List.of(Stage.CONNECT, Stage.MAIL, Stage.RCPT, Stage.DATA)) {
            out.add(new RateCheck(rates, s));
        }
        return out;
    }

    /** Counts what the limits count: connections, messages, recipients (refused ones too), bytes, delivered mail. */
    @Override
    public List<TransactionObserver> observers(CheckEnv env) {
        RateLimits rates = rates(env);
        return List.of(new TransactionObserver() {
            @Override
            public void onConnect(java.net.InetAddress client) {
                rates.connection(client);
            }

            @Override
            public void onMail(Party p) {
                rates.mail(who(p));
            }

            @Override
            public void onRecipient(Party p) {
                rates.recipient(who(p));
            }

            @Override
            public void onRefused(Party p) {
                rates.refused(who(p));
            }

            @Override
            public void onData(Party p, long octets) {
                rates.bytes(who(p), octets);
            }

            @Override
            public void onDelivered(Party p, List<String> recipients, long octets) {
                rates.delivered(who(p), recipients, octets);
            }
        });
    }

    private static RateLimits.Who who(Party p) {
        return new RateLimits.Who(p.client(), p.sender(), p.authUser(), p.recipient());
    }
}
