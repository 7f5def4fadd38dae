package net.portcullis.gateway.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per transaction and per refused connection, through the logger
 * {@code portcullis.decisions} (conf/logback.xml sends it to logs/decisions.jsonl). Never a body,
 * never a subject: callers pass only envelope, connection and verdict fields.
 */
public final class DecisionLog {
    private static final Logger DECISIONS = LoggerFactory.getLogger("portcullis.decisions");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> sink;
    private volatile DecisionWriter store;
    private volatile net.portcullis.policy.privacy.Pseudonyms pseudonyms;

    /**
     * Writes every address as its pseudonym (log.pseudonymise), in the JSON log and in the store
     * alike: what is on disk names nobody, and a search hashes its address the same way.
     */
    public void pseudonymising(net.portcullis.policy.privacy.Pseudonyms p) {
        this.pseudonyms = p;
    }

    private DecisionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Also sends every decision to the store (log.store), through this writer. */
    public void storeTo(DecisionWriter writer) {
        this.store = writer;
    }

    public static DecisionLog toLogback() {
        return new DecisionLog(DECISIONS::info);
    }

    /** For tests and tools that read the lines directly. */
    public static DecisionLog to(Consumer<String> sink) {
        return new DecisionLog(sink);
    }

    public void write(net.portcullis.policy.DecisionRecord record) {
        write(record.toMap(), !record.stored);
    }

    /** Whether decisions go to the store at all (log.store). */
    public boolean stores() {
        return store != null;
    }

    /** The store's row for a record as it stands now, for a caller that writes it itself (a hold); null when unserialisable. */
    public net.portcullis.policy.store.DecisionStore.Row rowNow(net.portcullis.policy.DecisionRecord record) {
        Map<String, Object> m = record.toMap();
        try {
            return row(m, hidden(JSON.writeValueAsString(m)), pseudonyms);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String hidden(String line) {
        var p = pseudonyms;
        return p == null ? line : p.text(line);
    }

    /** Serialises once; the same line goes to the JSON log and to the store. */
    public void write(Map<String, Object> record) {
        write(record, true);
    }

    private void write(Map<String, Object> record, boolean toStore) {
        String line;
        try {
            line = JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            LoggerFactory.getLogger(DecisionLog.class).error("decision record not serialisable: {}", e.toString());
            return;
        }
        line = hidden(line);
        sink.accept(line);
        DecisionWriter w = store;
        if (w != null && toStore) {
            w.offer(row(record, line, pseudonyms));
        } else if (w != null) {
            w.storedElsewhere();
        }
    }

    @SuppressWarnings("unchecked")
    private static net.portcullis.policy.store.DecisionStore.Row row(Map<String, Object> r, String line,
                                                                     net.portcullis.policy.privacy.Pseudonyms p) {
        java.util.function.UnaryOperator<String> as = a -> a == null || p == null ? a : p.text(a);
        java.util.List<String> rcpts = new java.util.ArrayList<>();
        if (r.get("recipients") instanceof java.util.List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("address") != null) {
                    rcpts.add(as.apply(String.valueOf(m.get("address"))));
                }
            }
        }
        java.time.Instant at;
        try {
            at = java.time.Instant.parse(String.valueOf(r.get("time")));
        } catch (java.time.format.DateTimeParseException e) {
            at = java.time.Instant.now();
        }
        return new net.portcullis.policy.store.DecisionStore.Row(String.valueOf(r.get("ref")), at, String.valueOf(r.get("event")),
                str(r.get("client")), as.apply(str(r.get("sender"))), str(r.get("verdict")), str(r.get("decided_by")), rcpts, line,
                str(r.get("queue_id")));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
