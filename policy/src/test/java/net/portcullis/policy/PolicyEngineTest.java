package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.checks.ClientCheck;
import net.portcullis.policy.checks.RecipientCheck;
import net.portcullis.rules.Networks;
import net.portcullis.rules.RuleCompiler;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;
import net.portcullis.rules.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** A check that waits on "the network" for a set time, counting its runs. */
    static class SlowCheck implements Check {
        final String name;
        final long millis;
        final AtomicInteger runs = new AtomicInteger();
        private final Spec spec;

        SlowCheck(String name, long millis) {
            this.name = name;
            this.millis = millis;
            this.spec = Spec.dns(name, Stage.CONNECT, List.of(new SignalSpec(name + ".listed", Type.BOOL, Stage.CONNECT, "test", "true")));
        }

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public List<Signal> run(Event e) throws Exception {
            runs.incrementAndGet();
            Thread.sleep(millis); // the slow network the deadline is for, not a wait for the product
            return List.of(Signal.of(name + ".listed", true, "slept " + millis + " ms"));
        }
    }

    PolicyEngine engine(List<Check> checks, String rules, Duration deadline) throws Exception {
        LocalDomains ours = LocalDomains.of(Set.of("example.net"));
        List<Check> all = new java.util.ArrayList<>(checks);
        all.add(new ClientCheck(new Networks(List.of())));
        all.add(new RecipientCheck(ours));
        RuleSet set = RuleCompiler.compile(List.of(new RuleCompiler.Source("t.rules", rules)), Map.of(),
                PolicyEngine.catalogueOf(all));
        return new PolicyEngine(all, ours, () -> set, false, deadline, pool);
    }

    static List<Check> concat(List<Check> a, Check b) {
        List<Check> l = new java.util.ArrayList<>(a);
        l.add(b);
        return l;
    }

    Client client() throws Exception {
        return new Client(InetAddress.getByName("203.0.113.5"), null, "h.example", false, null);
    }

    @Test
    void aCheckNoRuleNeedsDoesNotRun() throws Exception {
        SlowCheck a = new SlowCheck("a", 10);
        PolicyEngine e = engine(List.of(a), "rule r\n stage rcpt\n when client.trusted\n accept\n", Duration.ofSeconds(2));
        assertThat(e.begin(client(), "s@other.org").recipient("u@example.net").verdict().kind()).isEqualTo(Verdict.Kind.ACCEPT);
        assertThat(a.runs.get()).isZero();
    }

    @Test
    void checksOfAStageRunConcurrently() throws Exception {
        // A rendezvous, not a stopwatch: each check waits until the other has started too, so
        // both say "listed" only if they ran side by side, however slow the machine is.
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        SlowCheck a = new RendezvousCheck("a", both);
        SlowCheck b = new RendezvousCheck("b", both);
        PolicyEngine e = engine(List.of(a, b), "rule r\n stage connect\n when a.listed and b.listed\n reject 554 5.7.1 \"both\"\n",
                Duration.ofSeconds(20));
        StageOutcome o = e.begin(client(), "s@other.org").recipient("u@example.net");
        assertThat(a.runs.get() + b.runs.get()).isEqualTo(2);
        assertThat(o.verdict().kind()).as("both checks met while running: " + o.verdict().reason()).isEqualTo(Verdict.Kind.REJECT);
    }

    static final class RendezvousCheck extends SlowCheck {
        final java.util.concurrent.CountDownLatch both;

        RendezvousCheck(String name, java.util.concurrent.CountDownLatch both) {
            super(name, 0);
            this.both = both;
        }

        @Override
        public List<Signal> run(Event e) throws Exception {
            runs.incrementAndGet();
            both.countDown();
            boolean met = both.await(10, java.util.concurrent.TimeUnit.SECONDS);
            return List.of(Signal.of(name + ".listed", met, met ? "met the other check" : "ran alone"));
        }
    }

    @Test
    void aCheckPastItsDeadlineMakesItsSignalsUnavailableAndTheVerdictTemporary() throws Exception {
        SlowCheck slow = new SlowCheck("slow", 3_000);
        PolicyEngine e = engine(List.of(slow), "rule r\n stage connect\n when slow.listed\n reject 554 5.7.1 \"listed\"\n",
                Duration.ofMillis(200));
        StageOutcome o = e.begin(client(), "s@other.org").recipient("u@example.net");
        assertThat(o.verdict().kind()).isEqualTo(Verdict.Kind.TEMPFAIL);
        assertThat(o.verdict().reply().line("R")).isEqualTo("451 4.4.3 Temporary DNS failure checking policy, try again later [ref R]");
        assertThat(o.signals().value("client.ip")).isNotNull();
        assertThat(o.verdict().reason()).contains("check slow gave no answer within 200 ms");
    }

    @Test
    void theRelayStageIsClosedAtItsEndWithoutAnyRule() throws Exception {
        PolicyEngine e = engine(List.of(), "", Duration.ofSeconds(1));
        StageOutcome o = e.begin(client(), "s@other.org").recipient("victim@elsewhere.com");
        assertThat(o.verdict().decidedBy()).isEqualTo("relay.closed");
        assertThat(o.verdict().reply().code()).isEqualTo(550);
        assertThat(e.begin(client(), "s@other.org").recipient("u@example.net").verdict().kind()).isEqualTo(Verdict.Kind.ACCEPT);
    }

    @Test
    void aRelayAttemptIsRefused550WithoutWaitingOnDnsEvenWhenDnsIsDown() throws Exception {
        SlowCheck dns = new SlowCheck("slow", 3_000);
        PolicyEngine e = engine(List.of(dns), "rule r\n stage connect\n when slow.listed\n reject 554 5.7.1 \"listed\"\n"
                + "rule t\n stage relay\n when client.trusted\n permit\n", Duration.ofMillis(200));
        StageOutcome o = e.begin(client(), "s@other.org").recipient("victim@elsewhere.com");
        assertThat(o.verdict().reply().code()).isEqualTo(550);
        assertThat(o.verdict().decidedBy()).isEqualTo("relay.closed");
        assertThat(dns.runs.get()).as("no I/O check ran for a relay attempt").isZero();
        // a recipient of ours still goes through every stage, and the DNS failure is a temporary one
        assertThat(e.begin(client(), "s@other.org").recipient("u@example.net").verdict().reply().code()).isEqualTo(451);
    }

    @Test
    void aRuleOfAnotherStageCannotOpenTheRelay() throws Exception {
        PolicyEngine e = engine(List.of(), "rule open\n stage rcpt\n accept\nrule open2\n stage connect\n accept\n", Duration.ofSeconds(1));
        assertThat(e.begin(client(), "s@other.org").recipient("victim@elsewhere.com").verdict().decidedBy()).isEqualTo("relay.closed");
    }
}
