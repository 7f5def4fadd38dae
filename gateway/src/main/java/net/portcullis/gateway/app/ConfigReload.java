package net.portcullis.gateway.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.Preflight;
import net.portcullis.gateway.metrics.Metrics;

/**
 * Reading gateway.yaml again (SIGHUP): the file whole and valid, not cut short — a reload
 * refuses a file that lost any top-level key the running one had, since a half-written file
 * would otherwise drop sections silently — and counted. Applying it is {@link Gateway#reload(GatewayConfig)}.
 */
final class ConfigReload {
    private final boolean milterOnly;
    private final LongAdder applied = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** The top-level keys of the file the running configuration came from; null when it came from no file (tests). */
    private volatile Set<String> fileKeys;

    /** @param milterOnly {@code portcullis milter}: the SMTP listeners stay closed, whatever the file says */
    ConfigReload(boolean milterOnly, Metrics metrics) {
        this.milterOnly = milterOnly;
        metrics.counter("portcullis.config.reloads", "gateway.yaml reloads applied (SIGHUP)", applied, LongAdder::doubleValue);
        metrics.counter("portcullis.config.reload.failures", "gateway.yaml reloads refused (the running configuration stayed)",
                refused, LongAdder::doubleValue);
    }

    void loadedFrom(Path file) {
        fileKeys = ConfigLoader.fileKeys(file);
    }

    /** The configuration in {@code file}, checked as at start. */
    GatewayConfig read(Path file) throws ConfigException {
        GatewayConfig next = ConfigLoader.load(file);
        Set<String> keys = ConfigLoader.fileKeys(file);
        Set<String> kept = fileKeys;
        if (kept != null && !keys.containsAll(kept)) {
            List<String> gone = kept.stream().filter(k -> !keys.contains(k)).toList();
            throw new ConfigException(file + " no longer sets " + String.join(", ", gone)
                    + " (cut short while being written?): a reload does not drop sections; to drop them on purpose, restart");
        }
        fileKeys = keys;
        if (milterOnly && next.milter().on()) {
            next = next.milterOnly();
        }
        Preflight.check(next);
        return next;
    }

    void applied() {
        applied.increment();
    }

    void refused() {
        refused.increment();
    }
}
