package net.portcullis.gateway.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state check modules keep across configuration reloads (rate counters, the greylist, the
 * greeting memory, the tarpit's count of waiting sessions): made by a module the first time it
 * asks, the same object on every later build, closed when the gateway stops. The composition
 * root owns one; `rules test` makes its own, so explaining a verdict shares no state with the
 * running gateway's process.
 */
public final class SharedState implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedState.class);
    private final Map<String, Object> made = new LinkedHashMap<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** The state under {@code key}, made by {@code make} the first time (a value that is AutoCloseable is closed at the end). */
    public synchronized <T> T get(String key, Class<T> type, Supplier<T> make) {
        Object v = made.get(key);
        if (v == null) {
            v = make.get();
            made.put(key, v);
            if (v instanceof AutoCloseable c) {
                closing.add(c);
            }
        }
        return type.cast(v);
    }

    /** The state under {@code key} if some module made it, else null. */
    public synchronized <T> T find(String key, Class<T> type) {
        Object v = made.get(key);
        return type.isInstance(v) ? type.cast(v) : null;
    }

    /** Something else to close at the end, after the state made before it (a store under the state). */
    public synchronized void closeLater(AutoCloseable c) {
        closing.add(c);
    }

    /** Closes in the reverse order of making: what was made on top of another closes first. */
    @Override
    public synchronized void close() {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing the checks' shared state: {}", e.toString());
            }
        }
        closing.clear();
        made.clear();
    }
}
