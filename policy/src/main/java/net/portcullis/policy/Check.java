package net.portcullis.policy;

import java.util.List;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;

/**
 * One concern, one class: reads the event, emits signals with evidence, never decides.
 * The engine runs a check only when some rule in force needs one of its signals, on its own
 * thread with a deadline when it waits on something; a failure or a timeout makes its signals
 * unavailable (a temporary error), never a pass or a fail.
 */
public interface Check {
    /** What a check waits on: nothing (it runs inline), a store or service, or DNS (its failure is 451 4.4.3, not 451 4.3.0). */
    enum Waits { NOTHING, IO, DNS }

    /**
     * What a check is, declared once: its name, its stage, what it waits on, whether it reads
     * other checks' signals of its own stage (it runs after them), and the signals it may emit
     * (each appears in `portcullis signals`).
     */
    record Spec(String name, Stage stage, Waits waits, boolean late, List<SignalSpec> produces) {
        public Spec {
            produces = List.copyOf(produces);
        }

        /** A check that waits on nothing. */
        public static Spec inline(String name, Stage stage, List<SignalSpec> produces) {
            return new Spec(name, stage, Waits.NOTHING, false, produces);
        }

        /** A check that waits on a store or a service. */
        public static Spec io(String name, Stage stage, List<SignalSpec> produces) {
            return new Spec(name, stage, Waits.IO, false, produces);
        }

        /** A check that waits on DNS. */
        public static Spec dns(String name, Stage stage, List<SignalSpec> produces) {
            return new Spec(name, stage, Waits.DNS, false, produces);
        }

        /** The same check, run after the other checks of its stage, whose signals it reads. */
        public Spec afterOtherChecks() {
            return new Spec(name, stage, waits, true, produces);
        }

        /** Whether it runs concurrently, with a deadline. */
        public boolean io() {
            return waits != Waits.NOTHING;
        }

        /** Whether a failure is a DNS failure (451 4.4.3) rather than another error (451 4.3.0). */
        public boolean dns() {
            return waits == Waits.DNS;
        }
    }

    Spec spec();

    List<Signal> run(Event event) throws Exception;
}
