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

    private DecisionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public static DecisionLog toLogback() {
        return new DecisionLog(DECISIONS::info);
    }

    /** For tests and tools that read the lines directly. */
    public static DecisionLog to(Consumer<String> sink) {
        return new DecisionLog(sink);
    }

    public void write(net.portcullis.policy.DecisionRecord record) {
        write(record.toMap());
    }

    public void write(Map<String, Object> record) {
        try {
            sink.accept(JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            LoggerFactory.getLogger(DecisionLog.class).error("decision record not serialisable: {}", e.toString());
        }
    }
}
