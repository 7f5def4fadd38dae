package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;

/**
 * {@code tarpit:} in gateway.yaml — slow replies for high scores (off by default):
 *
 * <pre>
 * tarpit:
 *   score: 8           # or off
 *   delay: 5s
 *   max_sessions: 100
 * </pre>
 *
 * No signals of its own: it acts on the {@code score} the rules add up.
 */
public final class TarpitModule implements CheckModule<Tarpit.Config> {
    @Override
    public String name() {
        return "tarpit";
    }

    @Override
    public String section() {
        return "tarpit";
    }

    @Override
    public Class<Tarpit.Config> configType() {
        return Tarpit.Config.class;
    }

    @Override
    public Tarpit.Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("score", "delay", "max_sessions"));
        String score = s.string("score", "off");
        Long threshold = null;
        if (!s.off("score") && !score.equals("off")) {
            threshold = (long) s.integer("score", 0, 1, 1_000_000);
        }
        Duration delay = s.duration("delay", Duration.ofSeconds(5));
        if (delay.compareTo(Duration.ofSeconds(60)) > 0) {
            throw ConfigException.of(s.key("delay"), s.string("delay", ""), "is longer than 60s: a client's command timeout is 5 minutes "
                    + "for a whole transaction (RFC 5321 4.5.3.2)");
        }
        return new Tarpit.Config(threshold, delay, s.integer("max_sessions", 100, 1, 100_000));
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of();
    }

    /** The tarpit: made once, so tarpit.max_sessions counts the sessions waiting across reloads. */
    public Tarpit tarpit(CheckEnv env) {
        return env.shared().get("tarpit", Tarpit.class, () -> {
            Tarpit t = new Tarpit(env.section(this));
            if (env.metrics() != null) {
                env.metrics().counter("portcullis.tarpit.delayed", "replies delayed for a high score (tarpit)", t, Tarpit::delayed);
                env.metrics().counter("portcullis.tarpit.full", "replies not delayed: tarpit.max_sessions were waiting", t, Tarpit::full);
            }
            return t;
        });
    }

    /** Each stage's score: a high one waits tarpit.delay before its reply goes out. */
    @Override
    public List<TransactionObserver> observers(CheckEnv env) {
        if (env.explaining()) {
            return List.of();
        }
        Tarpit t = tarpit(env);
        return List.of(new TransactionObserver() {
            @Override
            public void onScored(long score) {
                t.delay(score);
            }
        });
    }
}
