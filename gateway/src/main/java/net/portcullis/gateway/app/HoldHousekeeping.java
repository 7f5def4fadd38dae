package net.portcullis.gateway.app;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.hold.HoldDigest;
import net.portcullis.policy.store.HoldStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Held mail over time: expired past hold.retention (hourly), digests sent every hold.digest.every. */
final class HoldHousekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(HoldHousekeeping.class);

    private final GatewayConfig config;
    private final HoldStore holds;
    private final Downstreams pool;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hold-housekeeping");
        t.setDaemon(true);
        return t;
    });

    HoldHousekeeping(GatewayConfig config, HoldStore holds, Downstreams pool) {
        this.config = config;
        this.holds = holds;
        this.pool = pool;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::expire, 0, 1, TimeUnit.HOURS);
        Duration every = config.hold().digest().every();
        if (every != null) {
            timer.scheduleWithFixedDelay(this::sendDigests, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Held messages past hold.retention go; a failure is logged and tried again next hour. */
    private void expire() {
        try {
            int n = holds.expire(Instant.now());
            if (n > 0) {
                LOG.info("{} held message(s) older than {} deleted", n, config.hold().retention());
            }
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("expiring held messages failed: {}", e.toString());
        }
    }

    /** Sends the digests of newly held mail now; returns how many the mail server took. */
    int sendDigests() {
        if (config.hold().digest().releaseUrl() == null) {
            return 0;
        }
        return new HoldDigest(holds, pool, config.hold().digest(), config.hostname()).sendDue(Instant.now());
    }

    void close() {
        timer.shutdownNow();
    }
}
