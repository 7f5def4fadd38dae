package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.GreetingCheck;

/**
 * {@code greeting:} in gateway.yaml — the pause before the banner (off by default):
 *
 * <pre>
 * greeting:
 *   pause: 6s        # or off
 *   remember: 1d     # a client that waited is not paused again for this long
 * </pre>
 */
public final class GreetingModule implements CheckModule<GreetingModule.Config> {
    /** @param pause null: off */
    public record Config(Duration pause, Duration remember) {
        public static Config off() {
            return new Config(null, Duration.ofDays(1));
        }
    }

    @Override
    public String name() {
        return "greeting";
    }

    @Override
    public String section() {
        return "greeting";
    }

    @Override
    public Class<GreetingModule.Config> configType() {
        return GreetingModule.Config.class;
    }

    @Override
    public GreetingModule.Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("pause", "remember"));
        String pause = s.string("pause", "off");
        Duration p = s.off("pause") || pause.equals("off") ? null : s.duration("pause", null);
        if (p != null && p.compareTo(Duration.ofSeconds(30)) > 0) {
            throw ConfigException.of(s.key("pause"), pause, "is longer than 30s: clients give up on a silent server");
        }
        return new GreetingModule.Config(p, s.duration("remember", Duration.ofDays(1)));
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new GreetingCheck());
    }

    /**
     * The clients that waited for the banner lately: in the fleet's Redis when redis.url is set
     * (a client that waited at one gateway is not paused at the next), else in this process's
     * memory; made once and kept across reloads.
     */
    public GreetingMemory memory(CheckEnv env) {
        return env.shared().get("greeting-memory", GreetingMemory.class, () -> {
            Config c = env.section(this);
            if (env.redis() == null) {
                return GreetingMemory.inMemory(c.remember());
            }
            GreetingMemory.InRedis r = new GreetingMemory.InRedis(env.redis(), env.redisPrefix("greet"), c.remember());
            if (env.metrics() != null) {
                env.metrics().counter("portcullis.greeting.redis.failures", "greeting cache look-ups that failed in Redis (client paused again)",
                        r, GreetingMemory.InRedis::failures);
            }
            return r;
        });
    }
}
