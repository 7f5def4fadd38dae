package net.portcullis.policy;

import java.util.List;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;

/**
 * One concern, one class: reads the event, emits signals with evidence, never decides.
 * The engine runs a check only when some rule in force needs one of its signals, on its own
 * thread with a deadline when it does I/O; a failure or a timeout makes its signals unavailable
 * (a temporary error), never a pass or a fail.
 */
public interface Check {
    String name();

    Stage stage();

    /** The signals this check may emit; each appears in `portcullis signals`. */
    List<SignalSpec> produces();

    List<Signal> run(Event event) throws Exception;

    /** Whether the check waits on the network (run concurrently, with a deadline). */
    default boolean io() {
        return false;
    }

    /** Whether the check reads signals of other checks of its own stage (it runs after them). */
    default boolean late() {
        return false;
    }

    /** Whether a failure is a DNS failure (451 4.4.3) rather than another error (451 4.3.0). */
    default boolean dns() {
        return false;
    }
}
