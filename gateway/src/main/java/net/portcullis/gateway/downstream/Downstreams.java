package net.portcullis.gateway.downstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protected servers and which recipients go where: a route per recipient domain
 * ({@code routes}), the rest to {@code downstream}. A route's servers are tried in order; one
 * that does not answer (connection refused or timed out, a greeting or EHLO that is not 2xx, a
 * 421) is passed over for {@code downstream_options.mark_down}, so a dead server costs one
 * attempt, not one per transaction. When every server of a route is marked down the transaction
 * fails at once with a 451 until the first mark ends, but for one transaction a second per
 * server that tries a marked server anyway (half-open: a lone server back after a two-second
 * restart must not keep every sender at 451 for the whole mark, since senders then retry only
 * after many minutes); and a watcher asks every marked server once a second whether it answers,
 * lifting the mark as soon as it does, as the health check ({@link #readiness}) does too. One connection pool per server,
 * shared by the routes that name it.
 */
public final class Downstreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Downstreams.class);

    /** One protected server: its pool and whether it answers. */
    public static final class Server {
        private final HostPort address;
        private final DownstreamPool pool;
        private volatile long downUntil;
        private final java.util.concurrent.atomic.AtomicLong nextTrial = new java.util.concurrent.atomic.AtomicLong();
        private volatile String lastError;
        private volatile boolean everFailed;

        Server(HostPort address, DownstreamPool pool) {
            this.address = address;
            this.pool = pool;
        }

        public HostPort address() {
            return address;
        }

        public DownstreamPool pool() {
            return pool;
        }

        /** Passed over now (marked down and the mark has not run out). */
        public boolean markedDown() {
            return System.nanoTime() - downUntil < 0;
        }

        /** Why it was last marked down, or null. */
        public String lastError() {
            return lastError;
        }

        /** One caller a {@link #TRIAL_EVERY} may try a marked server anyway (half-open); false for the others. */
        boolean mayTry() {
            long now = System.nanoTime();
            long next = nextTrial.get();
            return now - next >= 0 && nextTrial.compareAndSet(next, now + TRIAL_EVERY.toNanos());
        }

        void down(String why, Duration markDown) {
            downUntil = System.nanoTime() + markDown.toNanos();
            nextTrial.set(System.nanoTime() + TRIAL_EVERY.toNanos());
            if (!everFailed || !why.equals(lastError)) {
                LOG.warn("mail server {} marked down for {}: {}", address, markDown, why);
            }
            everFailed = true;
            lastError = why;
        }

        void up() {
            if (downUntil != 0) {
                LOG.info("mail server {} answers again", address);
            }
            downUntil = 0;
        }
    }

    /** Where the mail of some recipient domains goes: servers in order of preference. */
    public final class Route {
        private final String name;
        private final List<Server> servers;

        Route(String name, List<Server> servers) {
            this.name = name;
            this.servers = servers;
        }

        /** The domain it serves, or "default". */
        public String name() {
            return name;
        }

        public List<Server> servers() {
            return servers;
        }

        /** A connection made {@code who}'s (XCLIENT, see DownstreamPool), to the first server that answers. */
        public DownstreamPool.Lease acquire(XClient who) throws DownstreamException {
            return lease(who, false);
        }

        /** The same on a new connection: for a retry after a reused one turned out to be dead. */
        public DownstreamPool.Lease fresh(XClient who) throws DownstreamException {
            return lease(who, true);
        }

        private DownstreamPool.Lease lease(XClient who, boolean fresh) throws DownstreamException {
            DownstreamException[] last = {null};
            for (Server s : servers) {
                DownstreamPool.Lease l = s.markedDown() ? null : attempt(s, who, fresh, last);
                if (l != null) {
                    return l;
                }
            }
            // every server is marked down: try one anyway, at most once a second each (half-open)
            for (Server s : servers) {
                DownstreamPool.Lease l = s.markedDown() && s.mayTry() ? attempt(s, who, fresh, last) : null;
                if (l != null) {
                    return l;
                }
            }
            if (last[0] != null) {
                throw last[0];
            }
            throw DownstreamException.unavailable("every mail server for " + name + " is marked down: "
                    + servers.stream().map(s -> s.address + " (" + s.lastError + ")").toList(), null);
        }

        /** A connection to {@code s}, or null when it does not answer (then marked down, and the failure kept in {@code last}). */
        private DownstreamPool.Lease attempt(Server s, XClient who, boolean fresh, DownstreamException[] last) throws DownstreamException {
            try {
                DownstreamPool.Lease l = fresh ? s.pool.fresh(who) : s.pool.acquire(who);
                s.up();
                return l;
            } catch (DownstreamException e) {
                if (!e.unavailable()) {
                    throw e;
                }
                s.down(e.getMessage(), table.options.markDown());
                last[0] = e;
                return null;
            }
        }
    }

    /** The routes and servers in force: replaced whole by {@link #update}, read without locks. */
    private record Table(GatewayConfig.DownstreamOptions options, Map<HostPort, Server> servers, Route defaultRoute,
                         Map<String, Route> routes) { }

    private final String heloName;
    private volatile Table table;
    /** Connections opened and reused by pools closed in a reload: the totals never go down. */
    private final java.util.concurrent.atomic.LongAdder opened = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder reused = new java.util.concurrent.atomic.LongAdder();

    /** How often a marked server is tried: by one transaction (half-open) and by the watcher. */
    static final Duration TRIAL_EVERY = Duration.ofSeconds(1);

    private final java.util.concurrent.ScheduledExecutorService watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "downstream-watcher");
        t.setDaemon(true);
        return t;
    });

    public Downstreams(List<HostPort> defaults, Map<String, List<HostPort>> byDomain, GatewayConfig.DownstreamOptions options,
                       String heloName) {
        this.heloName = heloName;
        this.table = table(defaults, byDomain, options, Map.of());
        watcher.scheduleWithFixedDelay(this::probeMarked, TRIAL_EVERY.toMillis(), TRIAL_EVERY.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Asks each marked server whether it answers again: a mark is lifted within a second of the server's return. */
    private void probeMarked() {
        try {
            for (Server s : table.servers.values()) {
                if (s.markedDown() && s.pool.readiness() == null) {
                    s.up();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("downstream watcher: {}", e.toString()); // the next round tries again
        }
    }

    private Table table(List<HostPort> defaults, Map<String, List<HostPort>> byDomain, GatewayConfig.DownstreamOptions options,
                        Map<HostPort, Server> reuse) {
        Map<HostPort, Server> servers = new LinkedHashMap<>();
        Route def = new Route("default", servers(defaults, options, servers, reuse));
        Map<String, Route> routes = new LinkedHashMap<>();
        byDomain.forEach((d, list) -> routes.put(d.toLowerCase(Locale.ROOT), new Route(d, servers(list, options, servers, reuse))));
        return new Table(options, servers, def, routes);
    }

    /**
     * New routes (a configuration reload): servers that stay keep their pool and their mark when
     * the connection options are the same; the pools of servers no longer named are closed (a
     * transaction holding one of their connections finishes on it, then it is closed).
     */
    public synchronized void update(GatewayConfig cfg) {
        Table old = table;
        Map<HostPort, Server> reuse = old.options.equals(cfg.downstreamOptions()) ? old.servers : Map.of();
        Table next = table(cfg.downstreams(), cfg.routes(), cfg.downstreamOptions(), reuse);
        table = next;
        for (Server s : old.servers.values()) {
            if (next.servers.get(s.address) != s) {
                s.pool.close();
                opened.add(s.pool.opened());
                reused.add(s.pool.reused());
            }
        }
    }

    /** Of a configuration. */
    public static Downstreams of(GatewayConfig cfg) {
        return new Downstreams(cfg.downstreams(), cfg.routes(), cfg.downstreamOptions(), cfg.hostname());
    }

    private List<Server> servers(List<HostPort> list, GatewayConfig.DownstreamOptions options, Map<HostPort, Server> servers,
                                 Map<HostPort, Server> reuse) {
        List<Server> out = new ArrayList<>();
        for (HostPort hp : list) {
            out.add(servers.computeIfAbsent(hp, k -> reuse.containsKey(k) ? reuse.get(k) : new Server(k, new DownstreamPool(k, options,
                    heloName))));
        }
        return List.copyOf(out);
    }

    /** The route of a recipient: its domain's, a parent domain's (routes name a zone), or the default. */
    public Route route(String recipient) {
        int at = recipient.lastIndexOf('@');
        String domain = (at < 0 ? recipient : recipient.substring(at + 1)).toLowerCase(Locale.ROOT);
        Table t = table;
        for (String d = domain; ; ) {
            Route r = t.routes.get(d);
            if (r != null) {
                return r;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return t.defaultRoute;
            }
            d = d.substring(dot + 1);
        }
    }

    public Route defaultRoute() {
        return table.defaultRoute;
    }

    /** For the metric: 1 when the server answers, 0 while marked down, NaN when no route names it (any more). */
    public double up(HostPort address) {
        Server s = table.servers.get(address);
        return s == null ? Double.NaN : s.markedDown() ? 0 : 1;
    }

    public List<Server> all() {
        return List.copyOf(table.servers.values());
    }

    /**
     * What every server that has answered offers (null before any answered): the gateway may only
     * advertise an extension that whichever server gets the mail can honour.
     */
    public Set<String> extensions() {
        Set<String> common = null;
        for (Server s : table.servers.values()) {
            Set<String> e = s.pool.extensions();
            if (e == null) {
                continue;
            }
            if (common == null) {
                common = new TreeSet<>(e);
            } else {
                common.retainAll(e);
            }
        }
        return common == null ? null : Set.copyOf(common);
    }

    /** Opens a session to every server at start, to learn what they offer (see DownstreamPool.probe). */
    public void probe() {
        for (Server s : table.servers.values()) {
            s.pool.probe();
        }
    }

    /**
     * Asks every server whether it answers (lifting or setting its mark); null when every route
     * has a server that does, else which routes cannot deliver and why.
     */
    public String readiness() {
        Table t = table;
        for (Server s : t.servers.values()) {
            String why = s.pool.readiness();
            if (why == null) {
                s.up();
            } else {
                s.down(why, t.options.markDown());
            }
        }
        List<String> dead = new ArrayList<>();
        for (Route r : allRoutes(t)) {
            if (!r.servers.isEmpty() && r.servers.stream().allMatch(Server::markedDown)) { // none: a milter-only gateway
                dead.add(r.name + ": " + r.servers.stream().map(s -> s.lastError).toList());
            }
        }
        return dead.isEmpty() ? null : "no mail server answers for " + String.join("; ", dead);
    }

    /** A line per server: its address, the routes it serves, up or marked down and why (for /health). */
    public String status() {
        StringBuilder b = new StringBuilder();
        Table t = table;
        for (Server s : t.servers.values()) {
            List<String> serves = allRoutes(t).stream().filter(r -> r.servers.contains(s)).map(Route::name).toList();
            b.append("mail server ").append(s.address).append(" (").append(String.join(", ", serves)).append("): ")
                    .append(s.markedDown() ? "down: " + s.lastError : "up").append('\n');
        }
        return b.toString();
    }

    private static List<Route> allRoutes(Table t) {
        List<Route> out = new ArrayList<>(t.routes.values());
        out.add(t.defaultRoute);
        return out;
    }

    public long opened() {
        return opened.sum() + table.servers.values().stream().mapToLong(s -> s.pool.opened()).sum();
    }

    public long reused() {
        return reused.sum() + table.servers.values().stream().mapToLong(s -> s.pool.reused()).sum();
    }

    @Override
    public synchronized void close() {
        watcher.shutdownNow();
        table.servers.values().forEach(s -> s.pool.close());
    }
}
