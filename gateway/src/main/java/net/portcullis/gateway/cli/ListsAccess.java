package net.portcullis.gateway.cli;

import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Supplier;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;

/** Opens the configured store for the admin commands. */
final class ListsAccess {
    private ListsAccess() {
    }

    static ListStore store(GatewayConfig cfg) throws ConfigException {
        GatewayConfig.Store s = cfg.store();
        RunningGateway.warnIfOtherStore(cfg);
        try {
            return new ListStore(Database.open(s.url(), s.user(), s.password(), s.schema()));
        } catch (SQLException e) {
            throw new ConfigException("store.url: '" + s.url() + "' cannot be opened: " + e.getMessage());
        }
    }

    static Supplier<Lists.Snapshots> snapshots(GatewayConfig cfg) throws ConfigException {
        try {
            Lists.Snapshots snap = Lists.of(store(cfg).all(), Clock.systemUTC());
            return () -> snap;
        } catch (SQLException e) {
            throw new ConfigException("store: " + e.getMessage());
        }
    }
}
