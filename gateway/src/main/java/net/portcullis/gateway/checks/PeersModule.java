package net.portcullis.gateway.checks;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.PeerCheck;
import net.portcullis.policy.peers.PeerFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code peers:} in gateway.yaml — other providers' signed feeds (docs/reports.md "Providers share"):
 *
 * <pre>
 * peers:
 *   refresh: 10m
 *   timeout: 20s
 *   feeds:
 *     - name: bigmail
 *       url: https://feeds.bigmail.example/v1/feed
 *       key: MCowBQYDK2VwAyEA...   # the peer's GET /v1/feed/key, pinned
 *       trust: 3                   # 1..10, what its listing adds to peers.score
 *       policy: score              # or refuse: its listing alone refuses
 * </pre>
 *
 * Each feed is fetched on the schedule (If-None-Match), checked, and its last good copy kept in
 * var_dir/peers/NAME.feed; a failure is counted ({@code portcullis_peers_failures}), logged when
 * the state changes, and leaves that copy in force. `rules test` reads the copies, fetching nothing.
 */
public final class PeersModule implements CheckModule<PeersModule.Config> {
    private static final Logger LOG = LoggerFactory.getLogger(PeersModule.class);
    static final String STATE = "peers";

    public record Config(Duration refresh, Duration timeout, List<PeerFeed.Peer> feeds) { }

    @Override
    public String name() {
        return "peers";
    }

    @Override
    public String section() {
        return "peers";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("refresh", "timeout", "feeds"));
        Object raw = s.raw("feeds");
        List<PeerFeed.Peer> feeds = new ArrayList<>();
        if (raw != null && !(raw instanceof List<?>)) {
            throw ConfigException.of(s.key("feeds"), raw, "must be a list of {name, url, key, trust, policy}");
        }
        Set<String> names = new java.util.HashSet<>();
        int i = 0;
        for (Object o : raw == null ? List.of() : (List<?>) raw) {
            String k = s.key("feeds") + "[" + i++ + "]";
            if (!(o instanceof Map<?, ?> m)) {
                throw ConfigException.of(k, o, "must be a mapping like {name: bigmail, url: https://…/v1/feed, key: …}");
            }
            ConfigSection f = new ConfigSection(k, m);
            f.allow(Set.of("name", "url", "key", "trust", "policy"));
            String name = f.string("name", "");
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,39}") || !names.add(name)) {
                throw ConfigException.of(k + ".name", name, "must be a unique short name (a-z, 0-9, - or _)");
            }
            String url = f.string("url", "");
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
                throw ConfigException.of(k + ".url", url, "must be the peer's feed URL, http:// or https://");
            }
            String key = f.string("key", "");
            try {
                java.security.KeyFactory.getInstance("Ed25519").generatePublic(
                        new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(key.strip())));
            } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
                throw ConfigException.of(k + ".key", key.isEmpty() ? null : key, "must be the peer's Ed25519 public key as its /v1/feed/key gives it");
            }
            String policy = f.string("policy", "score");
            if (!policy.equals("score") && !policy.equals("refuse")) {
                throw ConfigException.of(k + ".policy", policy, "must be score (its listing adds its trust to peers.score) or refuse");
            }
            feeds.add(new PeerFeed.Peer(name, uri, key.strip(), f.integer("trust", 1, 1, 10), policy.equals("refuse")));
        }
        Duration refresh = s.duration("refresh", Duration.ofMinutes(10));
        if (refresh.compareTo(Duration.ofMillis(100)) < 0) {
            throw ConfigException.of(s.key("refresh"), s.string("refresh", ""), "must be at least 100ms");
        }
        return new Config(refresh, s.duration("timeout", Duration.ofSeconds(20)), List.copyOf(feeds));
    }

    /** The feeds with their refresh timer: made once, kept across reloads (a change of peers waits for a restart). */
    static Running running(CheckEnv env) {
        Config c = env.section(new PeersModule());
        return env.shared().get(STATE, Running.class, () -> new Running(c, env, env.explaining() ? null : c.refresh()));
    }

    @Override
    public List<Check> build(CheckEnv env) {
        if (env.section(this).feeds().isEmpty()) {
            return List.of(new PeerCheck(List::of));
        }
        Running r = running(env);
        return List.of(new PeerCheck(() -> r.feeds));
    }

    /** The peers' feeds; closing stops the refreshes. */
    static final class Running implements AutoCloseable {
        final List<PeerFeed> feeds = new ArrayList<>();
        private final ScheduledExecutorService timer;
        private final Map<String, Boolean> failing = new java.util.concurrent.ConcurrentHashMap<>();

        Running(Config c, CheckEnv env, Duration refresh) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(c.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
            for (PeerFeed.Peer p : c.feeds()) {
                try {
                    feeds.add(new PeerFeed(p, env.config().varDir().resolve("peers").resolve(p.name() + ".feed"), http, Clock.systemUTC()));
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("peers: " + p.name() + ": " + e.getMessage(), e); // the key was checked when parsed
                }
            }
            if (env.metrics() != null) {
                for (PeerFeed f : feeds) {
                    env.metrics().gauge("portcullis.peers.failures", "failed fetches of a peer's feed since start", "peer", f.peer().name(),
                            f::failures);
                    env.metrics().gauge("portcullis.peers.entries", "entries of a peer's last good copy", "peer", f.peer().name(), f::size);
                }
            }
            if (refresh != null) {
                dropCopiesOfFormerPeers(env.config().varDir().resolve("peers"), c.feeds());
            }
            if (refresh == null || feeds.isEmpty()) {
                timer = null;
                return;
            }
            timer = Executors.newSingleThreadScheduledExecutor(t -> {
                Thread th = new Thread(t, "peer-feeds");
                th.setDaemon(true);
                return th;
            });
            timer.scheduleWithFixedDelay(() -> feeds.forEach(f -> fetch(f, c.timeout())), 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** A peer taken out of the configuration leaves no copy of its listings behind (docs/privacy.md, retention). */
        private static void dropCopiesOfFormerPeers(java.nio.file.Path dir, List<PeerFeed.Peer> peers) {
            if (!java.nio.file.Files.isDirectory(dir)) {
                return;
            }
            Set<String> keep = new java.util.HashSet<>();
            peers.forEach(p -> keep.add(p.name() + ".feed"));
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) {
                    if (f.getFileName().toString().endsWith(".feed") && !keep.contains(f.getFileName().toString())) {
                        java.nio.file.Files.deleteIfExists(f);
                        LOG.info("peers: the copy of former peer {} deleted", f.getFileName());
                    }
                }
            } catch (java.io.IOException e) {
                LOG.warn("peers: copies of former peers not cleaned up: {}", e.getMessage());
            }
        }

        private void fetch(PeerFeed f, Duration timeout) {
            PeerFeed.Result r = f.refresh(timeout);
            boolean failed = r == PeerFeed.Result.FAILED;
            Boolean before = failing.put(f.peer().name(), failed);
            if (failed && !Boolean.TRUE.equals(before)) {
                LOG.warn("peer {}: feed not fetched, its last good copy ({} entries) stays in force: {}", f.peer().name(), f.size(), f.lastError());
            } else if (!failed && !Boolean.FALSE.equals(before)) {
                LOG.info("peer {}: feed in force, {} entries", f.peer().name(), f.size());
            }
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
