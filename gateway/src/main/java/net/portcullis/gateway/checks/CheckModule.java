package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.session.TransactionObserver;
import net.portcullis.policy.Check;

/**
 * One check as the gateway knows it: its name, its own section of gateway.yaml (parsed and
 * validated here, errors naming the key), and how its {@link Check}s are built. The gateway,
 * `rules test`, `rules replay` and `portcullis signals` all build checks from
 * {@link CheckRegistry}, so a new check is one module there and nothing anywhere else.
 *
 * @param <C> its configuration: a small record ({@link Void} when it has no section)
 */
public interface CheckModule<C> {
    String name();

    /** The top-level key of gateway.yaml this check owns, or null when it has none. */
    default String section() {
        return null;
    }

    default Class<C> configType() {
        throw new UnsupportedOperationException(name() + " has no configuration section");
    }

    /** Its section (an empty one when the file has none): the defaults, or what the file says. */
    default C parse(ConfigSection s) throws ConfigException {
        return null;
    }

    List<Check> build(CheckEnv env) throws ConfigException;

    /**
     * Whether a reload applies a change of its section at once (a module without state of its
     * own); false (the default) when it waits for a restart, as state made from the section does.
     */
    default boolean reloadable() {
        return false;
    }

    /**
     * What the module hears of the traffic beside its signals (counting, learning): called by
     * {@link net.portcullis.gateway.session.MailTransaction} in both shapes. None by default.
     */
    default List<TransactionObserver> observers(CheckEnv env) {
        return List.of();
    }
}
