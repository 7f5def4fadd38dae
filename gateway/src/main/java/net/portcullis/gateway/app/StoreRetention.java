package net.portcullis.gateway.app;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store's retention (store.retention, consent.retention), enforced hourly; a failure is logged and tried next hour. */
final class StoreRetention {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRetention.class);

    private final Retention retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "store-retention");
        t.setDaemon(true);
        return t;
    });

    StoreRetention(GatewayConfig config, Database db) {
        GatewayConfig.Retention r = config.store().retention();
        this.retention = new Retention(db, new Retention.Periods(r.reports(), r.reviewActions(), r.reportsOut(), r.reputation(),
                config.consent().retention()));
    }

    void start() {
        timer.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.MINUTES);
    }

    /** Purges now; returns what went, by kind. */
    Map<String, Integer> purge() {
        try {
            Map<String, Integer> gone = retention.purge(Instant.now());
            if (!gone.isEmpty()) {
                LOG.info("retention: deleted {}", gone);
            }
            return gone;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("retention: nothing deleted this hour: {}", e.toString());
            return Map.of();
        }
    }

    void close() {
        timer.shutdownNow();
    }
}
