package net.portcullis.gateway.app;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.portcullis.gateway.checks.CheckEnv;
import net.portcullis.gateway.checks.CheckRegistry;
import net.portcullis.gateway.config.ConfigChanges;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.HostPort;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.log.DecisionWriter;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.gateway.milter.MilterServer;
import net.portcullis.gateway.proxy.ConnectionGate;
import net.portcullis.gateway.proxy.GreetingPause;
import net.portcullis.gateway.proxy.SmtpListener;
import net.portcullis.gateway.session.Drain;
import net.portcullis.gateway.session.GatewayContext;
import net.portcullis.gateway.session.InFlight;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.RuleStore;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsJavaResolver;
import net.portcullis.policy.rate.ClientNetwork;
import net.portcullis.policy.rate.RateLimits;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.policy.store.ListStore;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.RuleErrors;
import net.portcullis.rules.RuleLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway, the composition root: builds the services once (the stores, the
 * downstream pool, the policy and its checks), the mail listeners of both shapes and the web
 * side, swaps the transaction context on reload, and stops it all in order.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** The configuration the gateway started with: what cannot change without a restart comes from it. */
    private final GatewayConfig config;
    /** What transactions use now: the started configuration, or the last one reloaded. */
    private volatile GatewayContext live;
    private volatile Dns dns;
    private final DecisionLog log;
    private final ConfigReload reloading;
    private final MailListeners mail;
    private final WebListeners web;
    private final HoldHousekeeping housekeeping;
    private final StoreRetention retention;
    private final net.portcullis.gateway.reports.AbuseReporting abuseReporting;
    private final net.portcullis.gateway.reports.DmarcReporting dmarcReporting;
    private final GreetingPause greetingPause;
    private final Downstreams pool;
    private final ConnectionGate gate;
    private final InFlight inflight = new InFlight();
    private final Drain drain = new Drain();
    private final Metrics metrics = new Metrics();
    /** The store, the Redis link and the checks' shared state: opened once, closed once. */
    private final Stores stores;
    private CompletableFuture<Void> probe = CompletableFuture.completedFuture(null);
    private final ExecutorService sessions;
    private final ExecutorService lookups;

    private final RuleStore rules;

    /**
     * @throws RuleErrors when the rule files do not load: the gateway does not start on a
     *                    policy it cannot read
     */
    public Gateway(GatewayConfig config, Dns dns, DecisionLog log)
            throws IOException, GeneralSecurityException, RuleErrors, ConfigException {
        this.config = config;
        if (config.log().pseudonymKey() != null) {
            log.pseudonymising(net.portcullis.policy.privacy.Pseudonyms.load(config.log().pseudonymKey()));
        }
        this.dns = dns;
        this.log = log;
        this.sessions = sessionExecutor(config.limits().connections());
        this.lookups = sessionExecutor(64);
        this.pool = Downstreams.of(config);
        this.stores = new Stores(config, log, metrics);
        CheckEnv env = env(config, dns);
        this.greetingPause = new GreetingPause(env.section(CheckRegistry.GREETING), config.trustedNetworks(), stores.lists()::get,
                CheckRegistry.GREETING.memory(env));
        // the connection gate counts a network as wide as the rate limits do
        RateLimits.Config width = CheckRegistry.RATE_LIMITS.rates(env).config();
        this.gate = new ConnectionGate(config.limits().connectionsPerClient(), config.limits().connectionsPerNetwork(), config.trustedNetworks(),
                dns, lookups, log, metrics, config.review().refUrl(), drain,
                addr -> ClientNetwork.of(addr, width.v4Prefix(), width.v6Prefix()),
                () -> live.observers(), greetingPause);
        PolicyWiring.Checks checks = PolicyWiring.checks(env);
        net.portcullis.policy.reputation.ReputationBook reputation = net.portcullis.gateway.checks.ReputationModule.book(stores.shared());
        if (reputation != null) {
            stores.intake().feeding(o -> net.portcullis.gateway.checks.ReputationModule.feed(reputation, o));
            Integer min = config.reports().listingReputation();
            if (min != null) {
                stores.intake().requiringReputation(ip -> Math.round(100 * reputation.value(new net.portcullis.policy.reputation.Reputation.Key(
                        net.portcullis.policy.reputation.Reputation.Kind.CLIENT, ip))), min);
            }
        }
        GatewayConfig.Rules r = config.rules();
        this.rules = RuleStore.open(new RuleLoader.Dirs(r.directory(), r.local(), r.lists()),
                PolicyEngine.catalogueOf(checks.all()));
        PolicyEngine policy = engine(config, checks);
        GatewayContext ctx = new GatewayContext(config, policy, log, drain, inflight, metrics, stores.intake(), stores.holds(), checks.observers());
        this.live = ctx;
        this.reloading = new ConfigReload(config.listeners().isEmpty(), metrics);
        metrics.counter("portcullis.rules.reloads", "rule sets loaded after start", rules, RuleStore::reloads);
        metrics.counter("portcullis.rules.reload.failures", "reloads refused for errors (old rules kept)", rules, RuleStore::failures);
        metrics.counter("portcullis.downstream.connections.opened", "connections opened to the downstream", pool, Downstreams::opened);
        metrics.counter("portcullis.downstream.connections.reused", "transactions on a reused downstream connection", pool, Downstreams::reused);
        serverGauges();
        metrics.gauge("portcullis.sessions.open", "client sessions open now", gate::open);
        metrics.gauge("portcullis.transactions.inflight", "transactions in progress", inflight::count);
        if (dns instanceof DnsJavaResolver res) {
            metrics.counter("portcullis.dns.queries", "DNS look-ups asked", res, x -> x.queries());
            metrics.counter("portcullis.dns.cache.hits", "DNS look-ups answered from the cache", res, x -> x.cacheHits());
            metrics.counter("portcullis.dns.failures", "DNS look-ups that failed temporarily", res, x -> x.failures());
            metrics.counter("portcullis.dns.wait.seconds", "time spent waiting for DNS servers", res, x -> x.nanosWaiting() / 1e9);
        }

        this.mail = new MailListeners(config,
                new SmtpListener.Shared(config, () -> live, pool, gate, sessions, MailListeners.tls(config), MailListeners.users(config)),
                new MilterServer.Shared(() -> live, () -> this.dns, lookups, sessions), metrics);
        this.web = new WebListeners(config, stores, pool, metrics, drain, rules);
        this.housekeeping = new HoldHousekeeping(config, stores.holds(), pool);
        this.retention = new StoreRetention(config, stores.listStore().database());
        this.abuseReporting = abuseReporting(config, dns);
        this.dmarcReporting = config.reports().dmarc().enabled() && config.log().store()
                ? new net.portcullis.gateway.reports.DmarcReporting(config.reports().dmarc(),
                        new net.portcullis.policy.store.DecisionStore(stores.listStore().database()),
                        new net.portcullis.policy.dmarc.DmarcReportStore(stores.listStore().database()), dns, java.time.Clock.systemUTC())
                : null;
    }

    /** Sends the DMARC aggregate reports of the UTC day starting at {@code day} not sent yet; 0 when reports.dmarc is off. */
    public int sendDmarcReports(java.time.Instant day) throws java.sql.SQLException, IOException {
        return dmarcReporting == null ? 0 : dmarcReporting.send(day, pool);
    }

    /** Reports back to the networks spam came from, when reports.outgoing is on; else null. */
    private net.portcullis.gateway.reports.AbuseReporting abuseReporting(GatewayConfig cfg, net.portcullis.policy.dns.Dns resolver) {
        GatewayConfig.Outgoing o = cfg.reports().outgoing();
        if (o == null) {
            return null;
        }
        var db = stores.listStore().database();
        var contacts = new net.portcullis.policy.reports.AbuseContacts(resolver, o.contactZone(), o.rdap(), o.ptrFallback(),
                java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10))
                        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build(), java.time.Duration.ofSeconds(20));
        var r = new net.portcullis.gateway.reports.AbuseReporting(o, cfg.hostname(), new net.portcullis.policy.reports.AbuseReportStore(db),
                new net.portcullis.policy.reports.ReportStore(db), contacts, pool, cfg.reports().window(), java.time.Clock.systemUTC());
        stores.intake().feeding(r::heard);
        return r;
    }

    /** Enforces the store's retention now (what the hourly round does); returns what went, by kind. */
    public java.util.Map<String, Integer> enforceRetention() {
        return retention.purge();
    }

    /** Sends the abuse reports owed now (what the hourly round does); 0 when reports.outgoing is off. */
    public int sendAbuseReports() throws java.sql.SQLException {
        return abuseReporting == null ? 0 : abuseReporting.sendDue();
    }

    /** A gauge per mail server, read from the routes in force (registered once per address). */
    private void serverGauges() {
        for (Downstreams.Server s : pool.all()) {
            HostPort address = s.address();
            metrics.gauge("portcullis.downstream.up", "1 when the mail server answers, 0 while it is marked down (downstream_options.mark_down)",
                    "server", address.toString(), () -> pool.up(address));
        }
    }

    /** What the checks of a configuration are built from: this gateway's stores, Redis link, metrics and shared state. */
    private CheckEnv env(GatewayConfig cfg, Dns resolver) {
        return new CheckEnv(cfg, resolver, stores.lists()::get, stores.consent(), lookups, stores.shared(), stores.redis(), metrics, false,
                stores.listStore().database());
    }

    /** The checks of a configuration, over this gateway's stores and shared state. */
    private PolicyWiring.Checks checks(GatewayConfig cfg, Dns resolver) throws ConfigException {
        return PolicyWiring.checks(env(cfg, resolver));
    }

    /** The policy of a configuration: its checks and this gateway's rules. */
    private PolicyEngine engine(GatewayConfig cfg, PolicyWiring.Checks checks) {
        return new PolicyEngine(checks.all(), checks.domains(), rules, cfg.softBounce(), cfg.rules().checkDeadline(), lookups,
                cfg.checks().authservId() == null ? Set.of() : PolicyWiring.FOR_AUTH_RESULTS, false);
    }

    /** Names the file the gateway was started from: a reload then refuses one that lost any of its top-level keys. */
    public void loadedFrom(Path file) {
        reloading.loadedFrom(file);
    }

    /** What a reload did: applied (and what of it waits for a restart), or refused and why. */
    public record Reload(boolean applied, List<String> restartNeeded, String error) { }

    /**
     * Reads {@code gateway.yaml} again (SIGHUP) and applies what can change while mail flows:
     * soft_bounce, limits (but those below), domains, trusted_networks, downstream, routes,
     * downstream_options, dns, and the sections of checks without state (dnsbl, rhsbl, helo,
     * reverse_dns, checks). Transactions already started finish under the configuration they
     * began with. What needs a restart is named in the log and the answer; a file with an error
     * is refused whole and the running configuration stays.
     */
    public Reload reload(Path file) {
        GatewayConfig next;
        try {
            next = reloading.read(file);
        } catch (ConfigException e) {
            reloading.refused();
            LOG.error("reload refused, the running configuration stays: {}", e.getMessage());
            return new Reload(false, List.of(), e.getMessage());
        }
        return reload(next);
    }

    public synchronized Reload reload(GatewayConfig next) {
        List<String> restart = ConfigChanges.restartNeeded(config, next, CheckRegistry.reloadableSections());
        try {
            Dns nextDns = next.dns().equals(live.config().dns()) || !(dns instanceof DnsJavaResolver)
                    ? dns : new DnsJavaResolver(next.dns().servers(), next.dns().timeout());
            PolicyWiring.Checks nextChecks = checks(next, nextDns);
            PolicyEngine engine = engine(next, nextChecks);
            pool.update(next);
            serverGauges();
            GreetingPause greeting = new GreetingPause(greetingPause.config(), next.trustedNetworks(), stores.lists()::get, greetingPause.memory());
            gate.update(next.limits().connectionsPerClient(), next.limits().connectionsPerNetwork(), next.trustedNetworks(), nextDns, greeting);
            this.dns = nextDns;
            this.live = new GatewayContext(next, engine, log, drain, inflight, metrics, stores.intake(), stores.holds(), nextChecks.observers());
        } catch (ConfigException | RuntimeException e) {
            reloading.refused();
            LOG.error("reload refused, the running configuration stays: {}", e.getMessage());
            return new Reload(false, restart, e.getMessage());
        }
        reloading.applied();
        LOG.info("configuration reloaded{}", restart.isEmpty() ? "" : "; these take effect at the next restart: " + String.join(", ", restart));
        return new Reload(true, restart, null);
    }

    public void start() throws IOException {
        mail.start();
        housekeeping.start();
        retention.start();
        if (abuseReporting != null) {
            abuseReporting.start();
        }
        if (dmarcReporting != null) {
            dmarcReporting.start(pool);
        }
        if (!config.downstreams().isEmpty()) {
            probe = CompletableFuture.runAsync(pool::probe, lookups);
        }
        web.start();
    }

    /** Waits for the start-up probe of the downstream (what it offers), at most {@code wait}. */
    public void awaitDownstreamProbe(Duration wait) {
        try {
            probe.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the probe only informs EHLO; its failure is logged by the pool
        }
    }

    /** The first listener's port; -1 for a milter-only gateway. */
    public int port() {
        List<Integer> ports = mail.ports();
        return ports.isEmpty() ? -1 : ports.get(0);
    }

    /** Connections from the MTA open now (0 when milter.listen is off). */
    public int milterOpen() {
        return mail.milterOpen();
    }

    /** The milter server's TCP port; -1 when milter.listen is off or a Unix socket. */
    public int milterPort() {
        return mail.milterPort();
    }

    /** Every listener's port, in the order of {@code listen}. */
    public List<Integer> ports() {
        return mail.ports();
    }

    /** The rule set in force and its reloads. */
    public RuleStore rules() {
        return rules;
    }

    /** The policy in force (the last reloaded configuration's). */
    public PolicyEngine policy() {
        return live.policy();
    }

    /** The local lists the gateway reads (refreshed every store.refresh). */
    public Lists lists() {
        return stores.lists();
    }

    public ConsentStore consentStore() {
        return stores.consentStore();
    }

    public ListStore listStore() {
        return stores.listStore();
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The consent API port, or -1 when consent.api_listen is off. */
    public int consentApiPort() {
        return web.consentApiPort();
    }

    /** Sends the digests of newly held mail now; returns how many the mail server took. */
    public int sendDigests() {
        return housekeeping.sendDigests();
    }

    public HoldStore holds() {
        return stores.holds();
    }

    /** The intake of users' reports, from every inlet. */
    public net.portcullis.policy.reports.ReportIntake reportIntake() {
        return stores.intake();
    }

    /** The report API's port, or -1 when reports.api_listen is off. */
    public int reportApiPort() {
        return web.reportApiPort();
    }

    /** The public reference page's port, or -1 when review.public_listen is off. */
    public int refPagePort() {
        return web.refPagePort();
    }

    /** The admin HTTP port, or -1 when admin.listen is off. */
    public int adminPort() {
        return web.adminPort();
    }

    /** The writer of decisions to the store, or null when log.store is off. */
    public DecisionWriter decisionWriter() {
        return stores.decisions();
    }

    public Downstreams pool() {
        return pool;
    }

    /**
     * Graceful stop: refuse new connections and transactions (421), let transactions in flight
     * finish within the grace time, then close every session and the downstream connections.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        drain.start();
        LOG.info("draining: {} transaction(s) in flight, waiting up to {}", inflight.count(), grace);
        if (!inflight.awaitIdle(grace)) {
            LOG.warn("grace time over with {} transaction(s) in flight; their clients get no 250 and will retry",
                    inflight.count());
        }
        close();
    }

    @Override
    public void close() {
        mail.close();
        housekeeping.close();
        retention.close();
        if (abuseReporting != null) {
            abuseReporting.close();
        }
        if (dmarcReporting != null) {
            dmarcReporting.close();
        }
        web.close();
        pool.close();
        stores.close();
        try {
            rules.close();
        } catch (IOException e) {
            LOG.warn("closing the rule watcher: {}", e.toString());
        }
        lookups.shutdownNow();
    }

    /** Virtual threads on Java 21+ (looked up reflectively: we compile for 17), a bounded pool before. */
    public static ExecutorService sessionExecutor(int max) {
        if ("platform".equals(System.getProperty("portcullis.threads"))) {
            return new ThreadPoolExecutor(0, max + 16, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
        }
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            return new ThreadPoolExecutor(0, max + 16, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
        }
    }

    public static boolean virtualThreads() {
        if ("platform".equals(System.getProperty("portcullis.threads"))) {
            return false;
        }
        try {
            Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
