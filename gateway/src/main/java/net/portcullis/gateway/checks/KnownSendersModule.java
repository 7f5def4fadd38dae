package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.Party;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.KnownSendersCheck;

/**
 * {@code known_senders:} in gateway.yaml — whether a sender's mail came through before:
 *
 * <pre>
 * known_senders:
 *   remember: 90d          # a sender is known this long after its last delivered message
 *   max_tracked: 1000000   # senders and domains kept at most (the least recent go first)
 * </pre>
 *
 * Learned from delivered mail (its observer), in this process's memory: a restart forgets, and
 * each gateway of a fleet learns on its own.
 */
public final class KnownSendersModule implements CheckModule<KnownSendersModule.Config> {
    public record Config(Duration remember, int maxTracked) { }

    @Override
    public String name() {
        return "known-senders";
    }

    @Override
    public String section() {
        return "known_senders";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("remember", "max_tracked"));
        Duration remember = s.duration("remember", Duration.ofDays(90));
        if (remember.compareTo(Duration.ofMinutes(1)) < 0 || remember.compareTo(Duration.ofDays(3650)) > 0) {
            throw ConfigException.of(s.key("remember"), s.string("remember", ""), "is outside 1m..3650d");
        }
        return new Config(remember, s.integer("max_tracked", 1_000_000, 1, 100_000_000));
    }

    /** The senders delivered lately: made once, kept across reloads. */
    KnownSendersCheck.Book book(CheckEnv env) {
        return env.shared().get("known-senders", KnownSendersCheck.Book.class, () -> {
            Config c = env.section(this);
            return new KnownSendersCheck.Book(c.remember(), c.maxTracked());
        });
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new KnownSendersCheck(book(env)));
    }

    /** Learns from delivered mail only: refused or held mail makes no sender known. */
    @Override
    public List<TransactionObserver> observers(CheckEnv env) {
        if (env.explaining()) {
            return List.of();
        }
        KnownSendersCheck.Book book = book(env);
        return List.of(new TransactionObserver() {
            @Override
            public void onDelivered(Party p, List<String> recipients, long octets) {
                book.delivered(p.sender());
            }
        });
    }
}
