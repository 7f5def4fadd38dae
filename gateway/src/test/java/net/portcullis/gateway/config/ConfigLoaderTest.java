package net.portcullis.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import net.portcullis.gateway.app.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    static final String MINIMAL = """
            listen: 127.0.0.1:2525
            hostname: mx.example.net
            downstream: 127.0.0.1:2526
            domains: [example.net]
            trusted_networks: [127.0.0.1/32]
            """;

    @Test
    void theFiveKeysOfTheBriefWorkAsWrittenWithDefaultsForTheRest() throws Exception {
        GatewayConfig c = ConfigLoader.parse(MINIMAL);
        assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(c.hostname()).isEqualTo("mx.example.net");
        assertThat(c.downstream()).isEqualTo(new HostPort("127.0.0.1", 2526));
        assertThat(c.domains()).containsExactly("example.net");
        assertThat(c.trustedNetworks().ranges()).hasSize(1);
        assertThat(c.limits().messageSize()).isEqualTo(25L * 1024 * 1024);
        assertThat(c.limits().recipients()).isEqualTo(100);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.downstreamOptions().reuse()).isTrue();
        assertThat(c.tls().enabled()).isTrue();
        assertThat(c.tls().keystore()).isNull();
        assertThat(c.spool().directory()).isEqualTo(Path.of("var", "spool"));
    }

    @Test
    void theShippedConfigurationLoads() throws Exception {
        GatewayConfig c = ConfigLoader.load(Path.of("../conf/gateway.yaml"));
        assertThat(c.listen().port()).isEqualTo(2525);
        assertThat(c.dns().servers()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "listen: 127.0.0.1|listen: '127.0.0.1' is not of the form address:port (IPv6 in brackets: [::1]:25)",
            "listen: 127.0.0.1:99999|listen: '127.0.0.1:99999' has port 99999, outside 1-65535",
            "hostname: mx|hostname: 'mx' must be a fully qualified domain name (our name in the banner)",
            "downstream: 127.0.0.1:x|downstream: '127.0.0.1:x' has port 'x', which is not a number",
            "domains: []|domains: '[]' must name at least one domain we accept mail for",
            "domains: [exa mple.net]|domains: 'exa mple.net' is not a domain name",
            "trusted_networks: [10.0.0.1/8]|trusted_networks: '10.0.0.1/8' is not a CIDR range: '10.0.0.1/8' has host bits set beyond /8 (did you mean 10.0.0.0/8?)",
            "trusted_networks: [300.1.1.1]|trusted_networks: '300.1.1.1' is not a CIDR range: '300.1.1.1' has an octet over 255",
            "trusted_networks: 127.0.0.1/32|trusted_networks: '127.0.0.1/32' must be a list, e.g. [a, b]",
            "limits: {recipients: lots}|limits.recipients: 'lots' is not a whole number",
            "limits: {recipients: 0}|limits.recipients: '0' is outside 1..100000",
            "limits: {message_size: 10Q}|limits.message_size: '10Q' is not a size in bytes (e.g. 1048576, 512K, 25M, 1G)",
            "limits: {idle_timeout: soon}|limits.idle_timeout: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 1h)",
            "downstream_options: {starttls: always}|downstream_options.starttls: 'always' must be 'opportunistic' or 'off'",
            "downstream_options: {reuse: maybe}|downstream_options.reuse: 'maybe' must be true or false",
            "tls: {keystore: x.p12}|tls.password: (missing) is required when tls.keystore is set",
            "limits: {idle_timeout: 99999999999999999999s}|limits.idle_timeout: '99999999999999999999s' is longer than the longest duration allowed (3650d)",
            "limits: {idle_timeout: 9999999999999d}|limits.idle_timeout: '9999999999999d' is longer than the longest duration allowed (3650d)",
            "limits: {message_size: 17179869185G}|limits.message_size: '17179869185G' is outside 1024..2147483647 bytes",
            "limits: {message_size: 99999999999999999999999}|limits.message_size: '99999999999999999999999' is outside 1024..2147483647 bytes",
            "limits: {recipients: 99999999999999}|limits.recipients: '99999999999999' is not a whole number",
            "review: {ref_url: 'https://postmaster.example.net/why'}|review.ref_url: 'https://postmaster.example.net/why' must contain {ref}, where the reference id goes",
            "review: {ref_url: 'ftp://x/{ref}'}|review.ref_url: 'ftp://x/{ref}' must be an http:// or https:// URL without spaces",
            "hold: {digest: {release_url: 'https://x.example/release/{token}'}}|hold.digest.release_url: the release links are served by review.public_listen: set it",
            "hold: {digest: {every: 1d}}|hold.digest.release_url: (missing) is required when hold.digest.every is set: the digest links to it",
            "hold: {digest: {release_url: 'https://x.example/release'}}|hold.digest.release_url: 'https://x.example/release' must be an http:// or https:// URL holding {token}",
            "review: {accounts: conf/reviewers, session_idle: 10s}|review.session_idle: '10s' must be between 1m and 1d",
            "review: {accounts: conf/reviewers, behind_tls: perhaps}|review.behind_tls: 'perhaps' must be true or false",
            "ratelimit: {limits: {client.messages: lots}}|ratelimit.limits.client.messages: 'lots' is not a limit: MAX/WINDOW like 600/1h, 30/10m, 1G/1d (bytes), or off",
            "ratelimit: {limits: {client.messages: 5M/1h}}|ratelimit.limits.client.messages: '5M/1h' counts messages, not bytes: no K, M or G",
            "ratelimit: {limits: {client.messages: 10/90d}}|ratelimit.limits.client.messages: '10/90d' has a window outside 1s..30d",
            "ratelimit: {limits: {client.messages: 0/1h}}|ratelimit.limits.client.messages: '0/1h' has a maximum outside 1..1125899906842624",
            "ratelimit: {limits: {client.bytes: 99999999999G/1h}}|ratelimit.limits.client.bytes: '99999999999G/1h' has a maximum outside 1..1125899906842624",
            "ratelimit: {network_v4: 40}|ratelimit.network_v4: '40' is outside 8..32",
            "ratelimit: {limits: {client.mesages: 5/1m}}|ratelimit.limits.client.mesages: unknown key (did you mean 'ratelimit.limits.client.messages'?); known keys here: auth_user.bytes, auth_user.messages, auth_user.recipients, client.bytes, client.connections, client.messages, client.recipients, client.refused_recipients, network.bytes, network.connections, network.messages, network.recipients, network.refused_recipients, recipient.messages, sender_domain.bytes, sender_domain.messages, sender_domain.recipients",
            "greeting: {pause: 1m}|greeting.pause: '1m' is longer than 30s: clients give up on a silent server",
            "greeting: {pause: soon}|greeting.pause: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 1h)",
            "tarpit: {score: 5, delay: 2m}|tarpit.delay: '2m' is longer than 60s: a client's command timeout is 5 minutes for a whole transaction (RFC 5321 4.5.3.2)",
            "tarpit: {score: high}|tarpit.score: 'high' is not a whole number",
            "tarpit: {score: 5, max_sessions: 0}|tarpit.max_sessions: '0' is outside 1..100000",
            "greylist: {delay: 10m, window: 5m}|greylist.window: '5m' must be longer than greylist.delay, or no retry could pass",
            "greylist: {auto_allow: 0}|greylist.auto_allow: '0' is outside 1..1000000",
            "redis: {url: 'localhost:6379'}|redis.url: 'localhost:6379' must be redis://HOST:PORT (or rediss:// for TLS), or off",
            "redis: {fail: maybe}|redis.fail: 'maybe' must be open (mail flows, counted) or closed (rules reading rate levels tempfail)",
            "redis: {timeout: 10s}|redis.timeout: '10s' is longer than 5s: SMTP sessions wait on it",
            "reports: {weights: {fbl.example: lots}}|reports.weights.fbl.example: 'lots' must be a whole number from 1 to 1000",
            "listen: [127.0.0.1:25, 127.0.0.1:25]|listen[1]: '127.0.0.1:25' is listed twice",
            "listen: [{address: 127.0.0.1:25, proxy_from: [lb.example]}]|listen[0].proxy_from: 'lb.example' is not a CIDR range: 'lb.example' is not an IPv4 or IPv6 address",
            "listen: [{proxy_from: [10.0.0.1/32]}]|listen[0].address: (missing) is required: address:port",
            "listen: []|listen: '[]' must be address:port, or a list of them and of {address: address:port, proxy_from: [load balancer CIDR, ...]}",
            "listen: [{address: 127.0.0.1:25, proxy: yes}]|listen[0].proxy: unknown key; known keys here: address, proxy_from",
            "listen: [{address: 127.0.0.1:25, proxy_from: []}]|listen[0].proxy_from: '[]' names no load balancer: every connection would be refused",
            "listen: [42]|listen[0]: '42' must be address:port or {address: ..., proxy_from: [...]}",
            "listen: off|listen: 'off' leaves nothing to serve: set milter.listen, or listen on an address",
            "milter: {listen: 'unix:run/milter.sock'}|milter.listen: 'unix:run/milter.sock' must name an absolute path: unix:/run/portcullis/milter.sock",
            "milter: {listen: 'inet:localhost'}|milter.listen: 'localhost' is not of the form address:port (IPv6 in brackets: [::1]:25)",
            "milter: {max_packet: 1G}|milter.max_packet: '1G' is over 64M: one packet is held in memory whole",
            "milter: {timeout: never}|milter.timeout: 'never' is not a duration (e.g. 500ms, 30s, 5m, 1h)",
            "milter: {port: 11332}|milter.port: unknown key; known keys here: listen, max_packet, timeout",
    })
    void everyErrorNamesTheKeyTheValueAndTheProblem(String override, String message) {
        String key = override.substring(0, override.indexOf(':'));
        String yaml = MINIMAL.lines().filter(l -> !l.startsWith(key + ":")).reduce("", (a, b) -> a + b + "\n") + override + "\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "admin: {listen: 'off'}|review.accounts: the review page is served by the admin listener: set admin.listen",
            "log: {store: false}|review.accounts: the review page reads the decision store: set log.store: true",
            "admin: {listen: '0.0.0.0:9325'}|admin.listen: '0.0.0.0:9325' serves the review page beyond loopback in plain HTTP: put it "
                    + "behind a TLS proxy and set review.behind_tls: true, or listen on 127.0.0.1",
    })
    void theReviewPageNeedsTheAdminListenerTheStoreAndTlsBeyondLoopback(String other, String message) throws Exception {
        String yaml = MINIMAL + "review: {accounts: conf/reviewers}\n" + other + "\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
        if (other.contains("0.0.0.0")) {
            assertThat(ConfigLoader.parse(MINIMAL + "review: {accounts: conf/reviewers, behind_tls: true}\n" + other + "\n")
                    .review().behindTls()).isTrue();
        }
    }

    @Test
    void anUnquotedOffIsOffThoughYamlReadsItAsFalse() throws Exception {
        GatewayConfig c = ConfigLoader.parse(MINIMAL + "ratelimit: {limits: {client.messages: off, client.bytes: \"off\"}}\n"
                + "greeting: {pause: off}\ntarpit: {score: off}\nadmin: {listen: off}\nreview: {public_listen: off}\n");
        var rates = (net.portcullis.policy.rate.RateLimits.Config) c.checkSections().get("ratelimit");
        assertThat(rates.limits()).extracting(l -> l.subject().word() + "." + l.count().word())
                .doesNotContain("client.messages", "client.bytes").contains("client.connections");
        assertThat(((net.portcullis.gateway.checks.GreetingModule.Config) c.checkSections().get("greeting")).pause()).isNull();
        assertThat(((net.portcullis.gateway.checks.Tarpit.Config) c.checkSections().get("tarpit")).score()).isNull();
        assertThat(c.adminListen()).isNull();
        assertThat(c.review().publicListen()).isNull();
    }

    @Test
    void aMilterOnlyGatewayNeedsNoDownstreamAndTakesPostfixsWaysOfNamingTheSocket() throws Exception {
        GatewayConfig c = ConfigLoader.parse("listen: off\nhostname: mx.example.net\ndomains: [example.net]\n"
                + "milter: {listen: 'inet:127.0.0.1:11332'}\n");
        assertThat(c.listeners()).isEmpty();
        assertThat(c.downstreams()).isEmpty();
        assertThat(c.milter().inet()).isEqualTo(new HostPort("127.0.0.1", 11332));
        assertThat(ConfigLoader.parse(MINIMAL + "milter: {listen: '[::1]:11332'}\n").milter().inet()).isEqualTo(new HostPort("::1", 11332));
        assertThat(ConfigLoader.parse(MINIMAL + "milter: {listen: 'unix:/run/p/m.sock'}\n").milter().unix()).isEqualTo(Path.of("/run/p/m.sock"));
        assertThat(ConfigLoader.parse(MINIMAL + "milter: {listen: 'local:/run/p/m.sock'}\n").milter().unix()).isEqualTo(Path.of("/run/p/m.sock"));
        assertThat(ConfigLoader.parse(MINIMAL).milter().on()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL).milterOnly())
                .hasMessage("milter.listen: 'off' must be set for portcullis milter, e.g. inet:127.0.0.1:11332 or unix:/run/portcullis/milter.sock");
        GatewayConfig both = ConfigLoader.parse(MINIMAL + "milter: {listen: 'inet:127.0.0.1:11332'}\n");
        assertThat(both.listeners()).hasSize(1);
        assertThat(both.milterOnly().listeners()).isEmpty();
        assertThat(both.milterOnly().milter()).isEqualTo(both.milter());
    }

    @Test
    void theShippedMilterConfigurationLoads() throws Exception {
        GatewayConfig c = ConfigLoader.load(Path.of("../conf/milter.yaml"));
        assertThat(c.listeners()).isEmpty();
        assertThat(c.milter().listen()).isEqualTo("inet:127.0.0.1:11332");
    }

    @Test
    void dnsServersAreAddressAndPort() throws Exception {
        GatewayConfig c = ConfigLoader.parse(MINIMAL + "dns: {servers: [\"127.0.0.1:5353\"]}\n");
        assertThat(c.dns().servers()).containsExactly(new java.net.InetSocketAddress("127.0.0.1", 5353));
        assertThat(ConfigLoader.parse(MINIMAL + "dns: {servers: [127.0.0.1, \"[::1]:53\"]}\n").dns().servers()).hasSize(2);
    }

    @Test
    void aKeyThatMovedIntoACheckSectionIsStillReadWhereItWasButNotInBothPlaces() throws Exception {
        CheckSettings moved = settings(ConfigLoader.parse(MINIMAL + "checks: {dynamic_patterns: /etc/dyn.txt}\n"));
        assertThat(moved.reverseDns().dynamicPatterns()).isEqualTo(Path.of("/etc/dyn.txt"));
        assertThat(settings(ConfigLoader.parse(MINIMAL + "reverse_dns: {dynamic_patterns: /etc/dyn.txt}\n")))
                .isEqualTo(moved);
        assertThat(settings(ConfigLoader.parse(MINIMAL)).reverseDns().dynamicPatterns())
                .isEqualTo(Path.of("conf/lists/dynamic_patterns.txt"));
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "checks: {dynamic_patterns: /a}\nreverse_dns: {dynamic_patterns: /b}\n"))
                .hasMessage("checks.dynamic_patterns: '/a' moved to reverse_dns.dynamic_patterns, which is set too: "
                        + "keep only reverse_dns.dynamic_patterns");
    }

    @Test
    void theReportApiNeedsATokenPerCaller() throws Exception {
        assertThat(ConfigLoader.parse(MINIMAL + "reports: {api_listen: \"127.0.0.1:9327\", api_tokens: {imap1: abcdefghijklmnop}}\n")
                .reports().apiTokens()).containsKey("imap1");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "reports: {api_listen: \"127.0.0.1:9327\"}\n"))
                .hasMessageStartingWith("reports.api_tokens: (missing) must name at least one caller");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "reports: {api_listen: \"127.0.0.1:9327\", api_tokens: {imap1: short}}\n"))
                .hasMessage("reports.api_tokens.imap1: '(hidden)' must be at least 16 characters");
    }

    @Test
    void heloOurAddressesAreAddresses() throws Exception {
        assertThat(settings(ConfigLoader.parse(MINIMAL + "helo: {our_addresses: [198.51.100.25, \"2001:db8::25\"]}\n")).helo()
                .ourAddresses()).hasSize(2);
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "helo: {our_addresses: [mx.example.net]}\n"))
                .hasMessage("helo.our_addresses: 'mx.example.net' must be an IP address, like 198.51.100.25 or 2001:db8::25");
    }

    private record CheckSettings(net.portcullis.gateway.checks.ReverseDnsModule.Settings reverseDns,
                                 net.portcullis.gateway.checks.HeloModule.Settings helo) { }

    private static CheckSettings settings(GatewayConfig c) {
        return new CheckSettings((net.portcullis.gateway.checks.ReverseDnsModule.Settings) c.checkSections().get("reverse_dns"),
                (net.portcullis.gateway.checks.HeloModule.Settings) c.checkSections().get("helo"));
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "domians: [x.org]\n"))
                .hasMessageStartingWith("domians: unknown key (did you mean 'domains'?)");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "limits: {recipient: 5}\n"))
                .hasMessageStartingWith("limits.recipient: unknown key (did you mean 'limits.recipients'?)");
    }

    @Test
    void missingRequiredKeysAndBrokenYamlAreNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse("hostname: mx.example.net\ndomains: [a.org]\n"))
                .hasMessage("downstream: (missing) is required: host:port of the protected mail server (a milter-only gateway sets listen: off)");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "downstream: 127.0.0.1:2527\n"))
                .hasMessageStartingWith("(inline):").hasMessageContaining("found duplicate key downstream");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "limits: {recipients: [\n"))
                .hasMessageStartingWith("(inline):7:");
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/gateway.yaml")))
                .hasMessage("/nonexistent/gateway.yaml: no such file");
    }
}
