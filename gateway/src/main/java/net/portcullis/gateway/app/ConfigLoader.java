package net.portcullis.gateway.app;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.config.HostPort;
import net.portcullis.rules.Network;
import net.portcullis.rules.Networks;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads gateway.yaml. Unknown keys are errors (a typo must not silently fall back to a default),
 * and every error names the key, the value and what is wrong with it.
 */
public final class ConfigLoader {
    private static final Set<String> TOP = Set.of("listen", "hostname", "downstream", "domains", "trusted_networks",
            "limits", "downstream_options", "tls", "auth", "spool", "dns", "var_dir", "shutdown_grace", "rules", "soft_bounce", "admin", "checks", "store", "reports", "consent", "log", "review", "hold", "redis", "routes", "milter");

    /** The keys of the file: ours, and the sections the checks own. */
    private static Set<String> topKeys() {
        Set<String> all = new java.util.HashSet<>(TOP);
        all.addAll(net.portcullis.gateway.checks.CheckRegistry.sections());
        return all;
    }

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file) throws ConfigException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /**
     * The top-level keys a configuration file sets, in file order; empty when it does not parse (load
     * says why). A reload compares them with the running file's: a file cut short while being written
     * loses its last sections and would otherwise be applied with their defaults.
     */
    public static Set<String> fileKeys(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            Set<String> out = new LinkedHashSet<>();
            if (doc instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> out.add(String.valueOf(k)));
            }
            return out;
        } catch (IOException | YAMLException e) {
            return Set.of();
        }
    }

    /** Every key the loader reads for this file, with its value there and its default (config show). */
    public static Map<String, ConfigSection.Read> reads(Path file) throws ConfigException {
        return ConfigSection.recording(() -> load(file));
    }

    public static GatewayConfig parse(String yaml) throws ConfigException {
        return parse(new java.io.StringReader(yaml), "(inline)");
    }

    private static GatewayConfig parse(Reader reader, String source) throws ConfigException {
        Object doc;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false); // a key given twice is a mistake, not an override
            doc = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark();
            throw new ConfigException(source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)
                    + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> root)) {
            throw new ConfigException(source + ": expected a mapping of keys (listen, hostname, downstream, ...)");
        }
        ConfigSection top = new ConfigSection("", root);
        top.allow(topKeys());

        List<GatewayConfig.Listener> listen = listeners(top);
        String hostname = top.string("hostname", null);
        if (hostname == null || !hostname.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw ConfigException.of("hostname", hostname, "must be a fully qualified domain name (our name in the banner)");
        }
        GatewayConfig.Milter milter = milter(top);
        if (top.raw("downstream") == null && !listen.isEmpty()) {
            throw ConfigException.of("downstream", null, "is required: host:port of the protected mail server"
                    + " (a milter-only gateway sets listen: off)");
        }
        if (listen.isEmpty() && !milter.on()) {
            throw ConfigException.of("listen", "off", "leaves nothing to serve: set milter.listen, or listen on an address");
        }
        List<HostPort> downstream = top.raw("downstream") == null ? List.of() : servers(top, "downstream");
        Map<String, List<HostPort>> routes = routes(top);

        Set<String> domains = new LinkedHashSet<>();
        for (String d : top.strings("domains")) {
            String n;
            try {
                // an internationalized domain is kept in its A-label form, as DNS and policy compare it
                n = java.net.IDN.toASCII(d, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw ConfigException.of("domains", d, "is not a domain name: " + e.getMessage());
            }
            if (!n.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw ConfigException.of("domains", d, "is not a domain name");
            }
            domains.add(n);
        }
        if (domains.isEmpty()) {
            throw ConfigException.of("domains", "[]", "must name at least one domain we accept mail for");
        }
        Networks trusted = networks(top, "trusted_networks");

        ConfigSection lim = top.section("limits");
        lim.allow(Set.of("message_size", "recipients", "line_length", "idle_timeout", "connections",
                "connections_per_client", "connections_per_network", "errors", "junk_commands", "data_deadline"));
        GatewayConfig.Limits limits = new GatewayConfig.Limits(
                lim.size("message_size", 25L * 1024 * 1024, 1024),
                lim.integer("recipients", 100, 1, 100_000),
                lim.integer("line_length", 998, 78, 1_000_000),
                lim.duration("idle_timeout", Duration.ofMinutes(5)),
                lim.integer("connections", 2000, 1, 1_000_000),
                lim.integer("connections_per_client", 50, 1, 1_000_000),
                lim.integer("connections_per_network", 200, 1, 1_000_000),
                lim.integer("errors", 20, 1, 1_000_000),
                lim.integer("junk_commands", 100, 1, 1_000_000),
                lim.duration("data_deadline", Duration.ofMinutes(10)));

        ConfigSection dso = top.section("downstream_options");
        dso.allow(Set.of("connect_timeout", "timeout", "data_timeout", "starttls", "reuse", "max_idle", "idle_time", "xclient", "mark_down"));
        String starttls = dso.string("starttls", "opportunistic");
        if (!starttls.equals("opportunistic") && !starttls.equals("off")) {
            throw ConfigException.of("downstream_options.starttls", starttls, "must be 'opportunistic' or 'off'");
        }
        GatewayConfig.DownstreamOptions dopts = new GatewayConfig.DownstreamOptions(
                dso.duration("connect_timeout", Duration.ofSeconds(10)),
                dso.duration("timeout", Duration.ofSeconds(60)),
                dso.duration("data_timeout", Duration.ofMinutes(10)),
                starttls.equals("opportunistic"),
                dso.bool("reuse", true),
                dso.integer("max_idle", 64, 0, 100_000),
                dso.duration("idle_time", Duration.ofSeconds(30)),
                dso.bool("xclient", false),
                dso.duration("mark_down", Duration.ofSeconds(30)));

        ConfigSection tls = top.section("tls");
        tls.allow(Set.of("enabled", "keystore", "password"));
        String keystore = tls.string("keystore", null);
        GatewayConfig.Tls tlsCfg = new GatewayConfig.Tls(tls.bool("enabled", true),
                keystore == null ? null : Path.of(keystore), tls.string("password", keystore == null ? "" : null));
        if (keystore != null && tlsCfg.password() == null) {
            throw ConfigException.of("tls.password", null, "is required when tls.keystore is set");
        }

        ConfigSection auth = top.section("auth");
        auth.allow(Set.of("users_file"));
        String users = auth.string("users_file", null);

        Path varDir = Path.of(top.string("var_dir", "var"));
        ConfigSection spool = top.section("spool");
        spool.allow(Set.of("directory", "memory_threshold"));
        GatewayConfig.Spool spoolCfg = new GatewayConfig.Spool(
                Path.of(spool.string("directory", varDir.resolve("spool").toString())),
                (int) spool.size("memory_threshold", 256 * 1024, 0));

        ConfigSection dns = top.section("dns");
        dns.allow(Set.of("servers", "timeout"));
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String s : dns.strings("servers")) {
            HostPort hp = s.matches("[0-9.]+") || (s.contains(":") && !s.startsWith("[") && s.indexOf(':') != s.lastIndexOf(':'))
                    ? new HostPort(s, 53) : HostPort.parse("dns.servers", s, false);
            servers.add(new InetSocketAddress(hp.host(), hp.port()));
        }
        GatewayConfig.DnsOptions dnsCfg = new GatewayConfig.DnsOptions(servers, dns.duration("timeout", Duration.ofSeconds(5)));

        ConfigSection rules = top.section("rules");
        rules.allow(Set.of("directory", "local", "lists", "check_deadline"));
        GatewayConfig.Rules rulesCfg = new GatewayConfig.Rules(Path.of(rules.string("directory", "conf/rules")),
                Path.of(rules.string("local", "conf/local.d")), Path.of(rules.string("lists", "conf/lists")),
                rules.duration("check_deadline", Duration.ofSeconds(8)));

        ConfigSection admin = top.section("admin");
        admin.allow(Set.of("listen"));
        String adminListen = admin.string("listen", "127.0.0.1:9325");
        HostPort adminHp = adminListen.equals("off") ? null : HostPort.parse("admin.listen", adminListen, true);

        ConfigSection checks = top.section("checks");
        Set<String> checksKeys = new java.util.HashSet<>(net.portcullis.gateway.checks.CheckRegistry.movedKeys("checks"));
        checksKeys.add("authserv_id");
        checks.allow(checksKeys);
        String authserv = checks.string("authserv_id", hostname);
        GatewayConfig.Checks checksCfg = new GatewayConfig.Checks(authserv.equals("off") ? null : authserv);
        if (checksCfg.authservId() != null && !checksCfg.authservId().matches("[A-Za-z0-9.-]+")) {
            throw ConfigException.of("checks.authserv_id", authserv, "must be a host name (letters, digits, '.' and '-') or off");
        }

        ConfigSection store = top.section("store");
        store.allow(Set.of("url", "user", "password", "schema", "refresh", "retention"));
        String url = store.string("url", "jdbc:sqlite:" + varDir.resolve("portcullis.db"));
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw ConfigException.of("store.url", url, "must be jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE");
        }
        ConfigSection keep = store.section("retention");
        keep.allow(Set.of("reports", "review_actions", "reports_out", "reputation"));
        GatewayConfig.Store storeCfg = new GatewayConfig.Store(url, store.string("user", ""), store.string("password", ""),
                store.string("schema", "portcullis"), store.duration("refresh", Duration.ofSeconds(30)),
                new GatewayConfig.Retention(atLeastADay(keep, "reports", Duration.ofDays(365)), atLeastADay(keep, "review_actions", Duration.ofDays(730)),
                        atLeastADay(keep, "reports_out", Duration.ofDays(365)), atLeastADay(keep, "reputation", Duration.ofDays(90))));

        GatewayConfig.Log logCfg = log(top, varDir);
        GatewayConfig.Review reviewCfg = review(top);
        GatewayConfig.Hold holdCfg = hold(top, varDir, hostname);
        // keys that only make sense together
        if (reviewCfg.publicListen() != null && !logCfg.store()) {
            throw new ConfigException("review.public_listen: the page reads the decision store: set log.store: true");
        }
        if (reviewCfg.accounts() != null && adminHp == null) {
            throw new ConfigException("review.accounts: the review page is served by the admin listener: set admin.listen");
        }
        if (reviewCfg.accounts() != null && !logCfg.store()) {
            throw new ConfigException("review.accounts: the review page reads the decision store: set log.store: true");
        }
        if (reviewCfg.accounts() != null && !reviewCfg.behindTls() && !loopback(adminHp.host())) {
            throw ConfigException.of("admin.listen", adminListen, "serves the review page beyond loopback in plain HTTP: put it behind "
                    + "a TLS proxy and set review.behind_tls: true, or listen on 127.0.0.1");
        }
        if (holdCfg.digest().releaseUrl() != null && reviewCfg.publicListen() == null) {
            throw new ConfigException("hold.digest.release_url: the release links are served by review.public_listen: set it");
        }
        return new GatewayConfig(listen, hostname, downstream, Set.copyOf(domains), trusted, limits, dopts,
                tlsCfg, users == null ? null : Path.of(users), spoolCfg, dnsCfg, varDir,
                top.duration("shutdown_grace", Duration.ofSeconds(30)), rulesCfg, top.bool("soft_bounce", false), adminHp,
                checksCfg, storeCfg, reports(top, hostname), consent(top), logCfg, reviewCfg, holdCfg,
                net.portcullis.gateway.checks.CheckRegistry.parse(top), redis(top), routes, milter);
    }

    /**
     * {@code milter: {listen: inet:HOST:PORT | HOST:PORT | unix:/PATH, timeout, max_packet}}: the
     * milter server, written as Postfix's smtpd_milters names it.
     */
    static GatewayConfig.Milter milter(ConfigSection top) throws ConfigException {
        ConfigSection m = top.section("milter");
        m.allow(Set.of("listen", "timeout", "max_packet"));
        String listen = m.string("listen", "off");
        java.time.Duration timeout = m.duration("timeout", GatewayConfig.Milter.OFF.timeout());
        long maxPacket = m.size("max_packet", GatewayConfig.Milter.OFF.maxPacket(), 65536 + 5);
        if (maxPacket > 64L << 20) {
            throw ConfigException.of("milter.max_packet", m.string("max_packet", ""), "is over 64M: one packet is held in memory whole");
        }
        if (listen.equals("off")) {
            return new GatewayConfig.Milter(null, null, null, timeout, (int) maxPacket);
        }
        if (listen.startsWith("unix:") || listen.startsWith("local:")) {
            String path = listen.substring(listen.indexOf(':') + 1);
            if (!path.startsWith("/")) {
                throw ConfigException.of("milter.listen", listen, "must name an absolute path: unix:/run/portcullis/milter.sock");
            }
            return new GatewayConfig.Milter(listen, null, Path.of(path), timeout, (int) maxPacket);
        }
        String inet = listen.startsWith("inet:") ? listen.substring(5) : listen;
        if (inet.startsWith("inet6:")) {
            inet = inet.substring(6);
        }
        return new GatewayConfig.Milter(listen, HostPort.parse("milter.listen", inet, true), null, timeout, (int) maxPacket);
    }

    /** A list of CIDR ranges, each error naming the key and the range. */
    private static Networks networks(ConfigSection s, String key) throws ConfigException {
        List<Network> nets = new ArrayList<>();
        for (String n : s.strings(key)) {
            try {
                nets.add(Network.parse(n));
            } catch (IllegalArgumentException e) {
                throw ConfigException.of(s.key(key), n, "is not a CIDR range: " + e.getMessage());
            }
        }
        return new Networks(nets);
    }

    /** A server, or a list of them tried in order (failover): "host:port" or ["host:port", ...]. */
    private static List<HostPort> servers(ConfigSection s, String key) throws ConfigException {
        Object raw = s.raw(key);
        List<HostPort> out = new ArrayList<>();
        if (raw instanceof List<?> items) {
            if (items.isEmpty()) {
                throw ConfigException.of(s.key(key), "[]", "names no server");
            }
            for (int i = 0; i < items.size(); i++) {
                HostPort hp = HostPort.parse(s.key(key) + "[" + i + "]", String.valueOf(items.get(i)), false);
                if (out.contains(hp)) {
                    throw ConfigException.of(s.key(key) + "[" + i + "]", hp.toString(), "is listed twice");
                }
                out.add(hp);
            }
        } else {
            out.add(HostPort.parse(s.key(key), String.valueOf(raw), false));
        }
        return List.copyOf(out);
    }

    /** {@code routes}: recipient domain -> its servers; the rest go to {@code downstream}. */
    private static Map<String, List<HostPort>> routes(ConfigSection top) throws ConfigException {
        Object raw = top.raw("routes");
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw ConfigException.of("routes", String.valueOf(raw), "must map recipient domains to servers: {example.net: [mx1:25, mx2:25]}");
        }
        ConfigSection s = new ConfigSection("routes", m);
        Map<String, List<HostPort>> out = new LinkedHashMap<>();
        for (Object k : m.keySet()) {
            String domain = String.valueOf(k).toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw ConfigException.of("routes", String.valueOf(k), "is not a domain name");
            }
            if (out.containsKey(domain)) {
                throw ConfigException.of("routes." + domain, String.valueOf(k), "is listed twice");
            }
            out.put(domain, servers(s, String.valueOf(k)));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * {@code listen}: one address ("127.0.0.1:2525"), or a list of addresses and of maps
     * {@code {address: ..., proxy_from: [CIDR, ...]}} for listeners behind a load balancer.
     */
    static List<GatewayConfig.Listener> listeners(ConfigSection top) throws ConfigException {
        Object raw = top.raw("listen");
        if ("off".equals(raw) || Boolean.FALSE.equals(raw)) {
            return List.of(); // a milter-only gateway: no SMTP listener
        }
        if (raw == null || raw instanceof String) {
            return List.of(new GatewayConfig.Listener(HostPort.parse("listen", top.string("listen", "127.0.0.1:2525"), true), null));
        }
        if (!(raw instanceof List<?> items) || items.isEmpty()) {
            throw ConfigException.of("listen", String.valueOf(raw), "must be address:port, or a list of them and of "
                    + "{address: address:port, proxy_from: [load balancer CIDR, ...]}");
        }
        List<GatewayConfig.Listener> out = new ArrayList<>();
        java.util.Set<HostPort> seen = new java.util.HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String key = "listen[" + i + "]";
            Object item = items.get(i);
            GatewayConfig.Listener l;
            if (item instanceof String text) {
                l = new GatewayConfig.Listener(HostPort.parse(key, text, true), null);
            } else if (item instanceof java.util.Map<?, ?> m) {
                ConfigSection s = new ConfigSection(key, m);
                s.allow(Set.of("address", "proxy_from"));
                String address = s.string("address", null);
                if (address == null) {
                    throw ConfigException.of(key + ".address", null, "is required: address:port");
                }
                Networks from = null;
                if (s.raw("proxy_from") != null) {
                    from = networks(s, "proxy_from");
                    if (from.ranges().isEmpty()) {
                        throw ConfigException.of(key + ".proxy_from", "[]", "names no load balancer: every connection would be refused");
                    }
                }
                l = new GatewayConfig.Listener(HostPort.parse(key + ".address", address, true), from);
            } else {
                throw ConfigException.of(key, String.valueOf(item), "must be address:port or {address: ..., proxy_from: [...]}");
            }
            if (l.address().port() != 0 && !seen.add(l.address())) {
                throw ConfigException.of(key, l.address().toString(), "is listed twice");
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    private static GatewayConfig.Redis redis(ConfigSection top) throws ConfigException {
        ConfigSection r = top.section("redis");
        r.allow(Set.of("url", "prefix", "timeout", "fail"));
        String url = r.string("url", "off");
        if (!url.equals("off") && !url.matches("rediss?://[^\\s]+")) {
            throw ConfigException.of("redis.url", url, "must be redis://HOST:PORT (or rediss:// for TLS), or off");
        }
        String fail = r.string("fail", "open");
        if (!fail.equals("open") && !fail.equals("closed")) {
            throw ConfigException.of("redis.fail", fail, "must be open (mail flows, counted) or closed (rules reading rate levels tempfail)");
        }
        Duration timeout = r.duration("timeout", Duration.ofMillis(250));
        if (timeout.compareTo(Duration.ofSeconds(5)) > 0) {
            throw ConfigException.of("redis.timeout", r.string("timeout", ""), "is longer than 5s: SMTP sessions wait on it");
        }
        return new GatewayConfig.Redis(url.equals("off") ? null : url, r.string("prefix", "portcullis:"), timeout, fail.equals("open"));
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static GatewayConfig.Consent consent(ConfigSection top) throws ConfigException {
        ConfigSection c = top.section("consent");
        c.allow(Set.of("refresh", "api_listen", "api_token", "retention"));
        String listen = c.string("api_listen", "off");
        String token = c.string("api_token", "");
        HostPort hp = listen.equals("off") ? null : HostPort.parse("consent.api_listen", listen, true);
        if (hp != null && token.length() < 16) {
            throw ConfigException.of("consent.api_token", token.isEmpty() ? null : "(hidden)",
                    "must be set, at least 16 characters, when consent.api_listen is on");
        }
        return new GatewayConfig.Consent(c.duration("refresh", Duration.ofSeconds(30)), hp, token,
                c.duration("retention", Duration.ofDays(3650)));
    }

    private static GatewayConfig.Hold hold(ConfigSection top, Path varDir, String hostname) throws ConfigException {
        ConfigSection h = top.section("hold");
        h.allow(Set.of("directory", "key_file", "retention", "digest"));
        ConfigSection d = h.section("digest");
        d.allow(Set.of("every", "release_url", "from", "report_url", "unsubscribe_url", "unsubscribe_insecure"));
        String every = d.string("every", "off");
        String url = d.string("release_url", "");
        if (!url.isEmpty() && (!url.matches("https?://[^\\s\\[\\]]+") || !url.contains("{token}"))) {
            throw ConfigException.of("hold.digest.release_url", url, "must be an http:// or https:// URL holding {token}");
        }
        if (!every.equals("off") && url.isEmpty()) {
            throw ConfigException.of("hold.digest.release_url", null, "is required when hold.digest.every is set: the digest links to it");
        }
        // the report links are served beside the release links unless the admin says otherwise
        String report = d.string("report_url", url.contains("/release/{token}") ? url.replace("/release/{token}", "/report/{token}") : "");
        if (!report.isEmpty() && !report.equals("off") && (!report.matches("https?://[^\\s\\[\\]]+") || !report.contains("{token}"))) {
            throw ConfigException.of("hold.digest.report_url", report, "must be an http:// or https:// URL holding {token}, or off");
        }
        String unsub = d.string("unsubscribe_url", url.contains("/release/{token}") ? url.replace("/release/{token}", "/unsubscribe/{token}") : "");
        if (!unsub.isEmpty() && !unsub.equals("off") && (!unsub.matches("https?://[^\\s\\[\\]]+") || !unsub.contains("{token}"))) {
            throw ConfigException.of("hold.digest.unsubscribe_url", unsub, "must be an http:// or https:// URL holding {token}, or off");
        }
        GatewayConfig.Digest digest = new GatewayConfig.Digest(every.equals("off") ? null : d.duration("every", Duration.ofDays(1)),
                url.isEmpty() ? null : url, d.string("from", "postmaster@" + hostname),
                report.isEmpty() || report.equals("off") ? null : report, unsub.isEmpty() || unsub.equals("off") ? null : unsub,
                d.bool("unsubscribe_insecure", false));
        return new GatewayConfig.Hold(Path.of(h.string("directory", varDir.resolve("hold").toString())),
                Path.of(h.string("key_file", varDir.resolve("hold.key").toString())), h.duration("retention", Duration.ofDays(14)),
                digest);
    }

    private static GatewayConfig.Review review(ConfigSection top) throws ConfigException {
        ConfigSection r = top.section("review");
        r.allow(Set.of("ref_url", "public_listen", "accounts", "behind_tls", "session_idle"));
        String url = r.string("ref_url", "");
        if (!url.isEmpty() && !url.matches("https?://[^\\s\\[\\]]+") ) {
            throw ConfigException.of("review.ref_url", url, "must be an http:// or https:// URL without spaces");
        }
        if (!url.isEmpty() && !url.contains("{ref}")) {
            throw ConfigException.of("review.ref_url", url, "must contain {ref}, where the reference id goes");
        }
        String listen = r.string("public_listen", "off");
        HostPort hp = listen.equals("off") ? null : HostPort.parse("review.public_listen", listen, true);
        String accounts = r.string("accounts", "off");
        Duration idle = r.duration("session_idle", Duration.ofMinutes(30));
        if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(Duration.ofDays(1)) > 0) {
            throw ConfigException.of("review.session_idle", r.string("session_idle", ""), "must be between 1m and 1d");
        }
        return new GatewayConfig.Review(url.isEmpty() ? null : url, hp, accounts.equals("off") ? null : Path.of(accounts),
                r.bool("behind_tls", false), idle);
    }

    private static GatewayConfig.Log log(ConfigSection top, Path varDir) throws ConfigException {
        ConfigSection l = top.section("log");
        l.allow(Set.of("store", "retention", "queue", "pseudonymise", "pseudonym_key"));
        boolean hide = l.bool("pseudonymise", false);
        return new GatewayConfig.Log(l.bool("store", true), l.duration("retention", Duration.ofDays(30)),
                l.integer("queue", 100_000, 100, 10_000_000), hide ? Path.of(l.string("pseudonym_key", varDir.resolve("pseudonym.key").toString()))
                        : null);
    }

    private static Duration atLeastADay(ConfigSection s, String key, Duration dflt) throws ConfigException {
        Duration d = s.duration(key, dflt);
        if (d.compareTo(Duration.ofDays(1)) < 0) {
            throw ConfigException.of(s.key(key), s.string(key, ""), "must be at least 1d");
        }
        return d;
    }

    private static GatewayConfig.Dmarc dmarc(ConfigSection d, String hostname) throws ConfigException {
        d.allow(Set.of("enabled", "org_name", "from", "every"));
        String from = d.string("from", "dmarc-reports@" + hostname);
        if (!from.matches("[^@\\s]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw ConfigException.of(d.key("from"), from, "is not an address like dmarc-reports@example.net");
        }
        String org = d.string("org_name", hostname);
        if (org.isBlank() || org.contains("!") || org.length() > 200) {
            throw ConfigException.of(d.key("org_name"), org, "must be your organization's name, without '!' (it goes in file names)");
        }
        return new GatewayConfig.Dmarc(d.bool("enabled", false), org, from.toLowerCase(Locale.ROOT), d.duration("every", Duration.ofHours(1)));
    }

    private static GatewayConfig.Outgoing outgoing(ConfigSection o, String hostname) throws ConfigException {
        o.allow(Set.of("enabled", "from", "contact_zone", "rdap", "ptr_fallback", "opt_out", "per_contact_daily", "max_daily", "every",
                "after_reporters"));
        if (!o.bool("enabled", false)) {
            return null;
        }
        String from = o.string("from", "abuse@" + hostname);
        if (!from.matches("[^@\\s]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw ConfigException.of(o.key("from"), from, "is not an address like abuse@example.net (replies come to it)");
        }
        String zone = o.string("contact_zone", "");
        if (!zone.isEmpty() && !zone.matches("(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9-]+")) {
            throw ConfigException.of(o.key("contact_zone"), zone, "must be a DNS zone such as abuse-contacts.abusix.zone");
        }
        List<java.net.URI> rdap = new ArrayList<>();
        for (String u : o.strings("rdap")) {
            java.net.URI uri;
            try {
                uri = java.net.URI.create(u);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
                throw ConfigException.of(o.key("rdap"), u, "must be RDAP base URLs like https://rdap.db.ripe.net/");
            }
            rdap.add(uri);
        }
        Networks optOut;
        try {
            optOut = Networks.parse(o.strings("opt_out"));
        } catch (IllegalArgumentException e) {
            throw ConfigException.of(o.key("opt_out"), String.valueOf(o.raw("opt_out")), e.getMessage());
        }
        return new GatewayConfig.Outgoing(from.toLowerCase(Locale.ROOT), zone.isEmpty() ? null : zone.toLowerCase(Locale.ROOT), List.copyOf(rdap),
                o.bool("ptr_fallback", true), optOut, o.integer("per_contact_daily", 10, 1, 100_000), o.integer("max_daily", 500, 1, 1_000_000),
                o.duration("every", Duration.ofHours(1)), o.integer("after_reporters", 0, 0, 1000));
    }

    private static GatewayConfig.Reports reports(ConfigSection top, String hostname) throws ConfigException {
        ConfigSection r = top.section("reports");
        r.allow(Set.of("address", "reporters", "window", "listing_ttl", "weights", "link_reporters", "link_listing_ttl", "api_listen",
                "api_tokens", "reporter_cap", "outgoing", "dmarc", "listing_reputation"));
        String apiListen = r.string("api_listen", "off");
        HostPort api = apiListen.equals("off") ? null : HostPort.parse("reports.api_listen", apiListen, true);
        Map<String, String> tokens = new LinkedHashMap<>();
        Object t = r.raw("api_tokens");
        if (t instanceof Map<?, ?> tm) {
            for (Map.Entry<?, ?> e : tm.entrySet()) {
                String v = String.valueOf(e.getValue());
                if (v.length() < 16) {
                    throw ConfigException.of("reports.api_tokens." + e.getKey(), "(hidden)", "must be at least 16 characters");
                }
                tokens.put(String.valueOf(e.getKey()), v);
            }
        } else if (t != null) {
            throw ConfigException.of("reports.api_tokens", "(hidden)", "must map a caller's name to its token, e.g. {imap1: <token>}");
        }
        if (api != null && tokens.isEmpty()) {
            throw ConfigException.of("reports.api_tokens", null, "must name at least one caller and its token when reports.api_listen is on");
        }
        String address = r.string("address", "");
        if (!address.isEmpty() && !address.matches("[^@\\s]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
            throw ConfigException.of("reports.address", address, "is not an address like spam-reports@example.net");
        }
        Map<String, Integer> weights = new LinkedHashMap<>();
        Object w = r.raw("weights");
        if (w != null && !(w instanceof Map<?, ?>)) {
            throw ConfigException.of("reports.weights", String.valueOf(w), "must map a reporter address or domain to a number");
        }
        if (w instanceof Map<?, ?> wm) {
            for (Map.Entry<?, ?> e : wm.entrySet()) {
                String key = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
                if (!(e.getValue() instanceof Integer n) || n < 1 || n > 1000) {
                    throw ConfigException.of("reports.weights." + key, String.valueOf(e.getValue()), "must be a whole number from 1 to 1000");
                }
                weights.put(key, n);
            }
        }
        return new GatewayConfig.Reports(address.isEmpty() ? null : address.toLowerCase(Locale.ROOT),
                r.integer("reporters", 3, 1, 1000), r.duration("window", Duration.ofDays(7)),
                r.duration("listing_ttl", Duration.ofDays(30)), Map.copyOf(weights), r.integer("link_reporters", 5, 0, 1000),
                r.duration("link_listing_ttl", Duration.ofDays(14)), api, Map.copyOf(tokens), r.integer("reporter_cap", 50, 0, 1_000_000),
                outgoing(r.section("outgoing"), hostname), dmarc(r.section("dmarc"), hostname),
                r.off("listing_reputation") || r.raw("listing_reputation") == null ? null : r.integer("listing_reputation", 0, -100, 100));
    }
}
