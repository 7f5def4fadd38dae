package net.portcullis.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks due at a stage and asks the rules in force for a verdict. Cheap checks run
 * inline; checks that do I/O run concurrently, each with the deadline, and only when a rule in
 * force needs one of their signals.
 */
public final class PolicyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngine.class);

    private final List<Check> checks;
    private final LocalDomains domains;
    private final Catalogue catalogue;
    private final Supplier<RuleSet> rules;
    private final boolean softBounce;
    private final Duration deadline;
    private final ExecutorService executor;
    private final Set<String> alwaysNeeded;
    private final boolean everything;
    private final Set<String> ioSignals;

    public PolicyEngine(List<Check> checks, LocalDomains domains, Supplier<RuleSet> rules, boolean softBounce,
                        Duration deadline, ExecutorService executor) {
        this(checks, domains, rules, softBounce, deadline, executor, Set.of(), false);
    }

    /**
     * @param alwaysNeeded signals the gateway itself needs whatever the rules say (the
     *                     Authentication-Results header needs SPF, DKIM and DMARC)
     * @param everything   run every check (`rules test` explains all signals)
     */
    public PolicyEngine(List<Check> checks, LocalDomains domains, Supplier<RuleSet> rules, boolean softBounce,
                        Duration deadline, ExecutorService executor, Set<String> alwaysNeeded, boolean everything) {
        this.alwaysNeeded = Set.copyOf(alwaysNeeded);
        Set<String> io = new java.util.HashSet<>();
        checks.stream().filter(c -> c.spec().io()).forEach(c -> c.spec().produces().forEach(s -> io.add(s.name())));
        this.ioSignals = Set.copyOf(io);
        this.everything = everything;
        this.checks = List.copyOf(checks);
        this.domains = domains;
        this.catalogue = catalogueOf(this.checks);
        this.rules = rules;
        this.softBounce = softBounce;
        this.deadline = deadline;
        this.executor = executor;
    }

    public static Catalogue catalogueOf(List<Check> checks) {
        List<SignalSpec> specs = new ArrayList<>();
        checks.forEach(c -> specs.addAll(c.spec().produces()));
        return new Catalogue(specs);
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    public List<Check> checks() {
        return checks;
    }

    LocalDomains domains() {
        return domains;
    }

    boolean softBounce() {
        return softBounce;
    }

    /**
     * A transaction's view of the policy: the rule set in force now, for the whole transaction,
     * so a reload in the middle never mixes two sets.
     */
    public PolicyTransaction begin(Client client, String sender) {
        return new PolicyTransaction(this, rules.get(), client, sender);
    }

    /** Computes the signals of one stage into {@code into}. */
    void compute(Stage stage, Event event, RuleSet set, SignalMap into) {
        compute(stage, event, set, into, false);
        compute(stage, event, set, into, true);
    }

    /** Only the checks that do no I/O: enough to decide the relay stage without waiting on DNS. */
    void computeCheap(Stage stage, Event event, SignalMap into) {
        for (Check c : checks) {
            if (c.spec().stage() == stage && !c.spec().io() && !c.spec().late()) {
                try {
                    c.run(event).forEach(into::put);
                } catch (Exception e) {
                    fail(c, into, "check " + c.spec().name() + " failed: " + e);
                }
            }
        }
    }

    /** Whether a signal comes from a check that does I/O. */
    boolean fromIo(String signal) {
        if (ioSignals.contains(signal)) {
            return true;
        }
        for (String f : ioSignals) {
            if (f.endsWith(".*") && signal.startsWith(f.substring(0, f.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /** One phase: the checks of the stage, or (late) those that read the others' signals. */
    private void compute(Stage stage, Event event, RuleSet set, SignalMap into, boolean late) {
        Set<String> needed = set.neededSignals();
        List<Check> slow = new ArrayList<>();
        for (Check c : checks) {
            if (c.spec().stage() != stage || c.spec().late() != late) {
                continue;
            }
            if (c.spec().io()) {
                if (everything || c.spec().produces().stream().anyMatch(s -> needs(s, needed) || alwaysNeeded.contains(s.name()))) {
                    slow.add(c);
                }
                continue;
            }
            try {
                c.run(event).forEach(into::put);
            } catch (Exception e) {
                fail(c, into, "check " + c.spec().name() + " failed: " + e);
            }
        }
        if (slow.isEmpty()) {
            return;
        }
        List<Future<List<Signal>>> futures = new ArrayList<>();
        for (Check c : slow) {
            Future<List<Signal>> f = executor.submit(() -> c.run(event));
            Deadlines.shared().cancelAfter(f, deadline.toNanos()); // an untimed get below: no timer per wait
            futures.add(f);
        }
        for (int i = 0; i < slow.size(); i++) {
            Check c = slow.get(i);
            Future<List<Signal>> f = futures.get(i);
            try {
                f.get().forEach(into::put);
            } catch (CancellationException e) {
                fail(c, into, "check " + c.spec().name() + " gave no answer within " + deadline.toMillis() + " ms");
            } catch (ExecutionException e) {
                fail(c, into, "check " + c.spec().name() + " failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(c, into, "check " + c.spec().name() + " interrupted");
            }
        }
    }

    /** Whether a rule in force reads {@code s}, or (a family) one of its names. */
    private static boolean needs(SignalSpec s, Set<String> needed) {
        if (!s.family()) {
            return needed.contains(s.name());
        }
        for (String n : needed) {
            if (s.covers(n)) {
                return true;
            }
        }
        return false;
    }

    private static void fail(Check c, SignalMap into, String message) {
        LOG.warn(message);
        for (SignalSpec s : c.spec().produces()) {
            into.fail(s.name(), message, c.spec().dns());
        }
    }
}
