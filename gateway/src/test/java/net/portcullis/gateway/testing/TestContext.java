package net.portcullis.gateway.testing;

import net.portcullis.policy.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.app.PolicyWiring;
import net.portcullis.gateway.checks.CheckEnv;
import net.portcullis.gateway.checks.CheckRegistry;
import net.portcullis.gateway.checks.GreylistModule;
import net.portcullis.gateway.checks.SharedState;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.gateway.session.Drain;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.InFlight;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.policy.greylist.Greylist;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.RuleLoader;
import net.portcullis.rules.RuleSet;

/**
 * A gateway's transaction context without a socket, a database server or a DNS server: the
 * shipped rules (conf/rules), the checks of a configuration built from the one registry, DNS
 * answered from memory, the decision log kept in a list. What a transcript or a check's unit
 * test drives {@link net.portcullis.gateway.session.MailTransaction} with. The shared state
 * is the test's: put a check's state there (a greylist on a fixed clock) before building.
 */
public final class TestContext implements AutoCloseable {
    /** Enough for a configuration to load; a test adds its own keys after it. */
    public static final String BASE = "hostname: mx.example.net\ndownstream: 127.0.0.1:2526\ndomains: [example.net]\n";

    public final InMemoryDns dns = new InMemoryDns();
    /** The clock the greylist counts on: a transcript's {@code clock +6m} moves it. */
    public final TestClock clock = new TestClock(java.time.Instant.parse("2026-06-01T09:00:00Z"));
    public final SharedState shared = new SharedState();
    /** Each decision record as the log writes it (one JSON object per line). */
    public final List<String> decisions = new CopyOnWriteArrayList<>();
    private final List<ListEntry> listEntries = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-checks");
        t.setDaemon(true);
        return t;
    });

    /** The context for {@link #BASE} plus {@code yaml} (top-level keys of gateway.yaml that BASE does not set: a key given twice is refused). */
    public GatewayContext context(String yaml) throws Exception {
        return context(yaml, Map.of());
    }

    /**
     * The context for {@link #BASE} plus {@code yaml}, with {@code localRules} (file name to text)
     * as the site's local.d overrides of the shipped rule files.
     */
    public GatewayContext context(String yaml, Map<String, String> localRules) throws Exception {
        GatewayConfig cfg = ConfigLoader.parse(BASE + yaml);
        CheckEnv env = new CheckEnv(cfg, dns, () -> Lists.of(List.copyOf(listEntries), clock), TestConsent.book(), pool, shared, null, null, false, null);
        // the greylist on the test's clock: its module finds it made and uses it
        GreylistModule.Settings grey = env.section(CheckRegistry.GREYLIST);
        shared.get("greylist", Greylist.class, () -> new Greylist(grey.greylist(), clock));
        PolicyWiring.Checks checks = PolicyWiring.checks(env);
        Path local = null;
        if (!localRules.isEmpty()) {
            local = Files.createTempDirectory("transcript-rules");
            for (Map.Entry<String, String> e : localRules.entrySet()) {
                Files.writeString(local.resolve(e.getKey()), e.getValue());
            }
        }
        RuleSet rules = RuleLoader.load(new RuleLoader.Dirs(Path.of("../conf/rules"), local, Path.of("../conf/lists")),
                PolicyEngine.catalogueOf(checks.all()));
        PolicyEngine engine = new PolicyEngine(checks.all(), checks.domains(), () -> rules, cfg.softBounce(), Duration.ofSeconds(5),
                pool, cfg.checks().authservId() == null ? Set.of() : PolicyWiring.FOR_AUTH_RESULTS, false);
        return new GatewayContext(cfg, engine, DecisionLog.to(decisions::add), new Drain(), new InFlight(), new Metrics(), null, null,
                checks.observers());
    }

    /** Adds an entry to the local lists the checks read ({@code color}: black or white; {@code kind}: ip, domain or address). */
    public void list(String color, String kind, String value, String reason) {
        listEntries.add(new ListEntry(listEntries.size() + 1, ListEntry.Color.valueOf(color.toUpperCase(java.util.Locale.ROOT)),
                ListEntry.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), value, reason, "test", clock.instant(), null));
    }

    /** The last decision record written, or null. */
    public String lastDecision() {
        return decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
    }

    @Override
    public void close() {
        shared.close();
        pool.shutdownNow();
    }
}
