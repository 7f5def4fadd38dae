package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.PolicyEngine;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.portcullis.policy.checks.AuthenticationCheck;
import net.portcullis.policy.checks.ConsentChecks;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.checks.DnsblCheck;
import net.portcullis.policy.checks.LocalListCheck;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.Stage;
import net.portcullis.policy.checks.ClientCheck;
import net.portcullis.policy.checks.EnvelopeCheck;
import net.portcullis.policy.checks.HeaderCheck;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.MessageCheck;
import net.portcullis.policy.checks.RecipientCheck;
import net.portcullis.policy.checks.ReverseDnsCheck;
import net.portcullis.policy.checks.SpfCheck;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.InMemoryDns;
import net.portcullis.rules.Catalogue;
import net.portcullis.rules.Networks;

/** The checks a gateway runs, built from its configuration: one list, used by serve, rules test and signals. */
public final class PolicyWiring {
    private PolicyWiring() {
    }

    public record Checks(List<Check> all, RecipientCheck recipients) { }

    /** Signals the gateway needs for its own Authentication-Results header. */
    public static final Set<String> FOR_AUTH_RESULTS = Set.of("spf.result", "spf.domain", "auth.results");

    public static Checks checks(GatewayConfig cfg, Dns dns, Supplier<Lists.Snapshots> lists, ConsentBook consent, Executor executor)
            throws ConfigException {
        Checks base = checks(cfg.hostname(), cfg.domains(), cfg.trustedNetworks(), dns, dynamicPatterns(cfg.checks().dynamicPatterns()),
                ourAddresses(cfg), lists, cfg.dnsbl(), cfg.rhsbl(), executor);
        return withConsent(base, consent);
    }

    /** The consent checks need a store; the catalogue lists them without one. */
    public static Checks withConsent(Checks base, ConsentBook consent) {
        List<Check> all = new java.util.ArrayList<>(base.all());
        all.add(new ConsentChecks.BulkSender(consent));
        all.add(new ConsentChecks.Recipient(consent));
        all.add(new ConsentChecks.Content());
        all.add(new ConsentChecks.Message(consent));
        return new Checks(List.copyOf(all), base.recipients());
    }

    static Checks checks(String hostname, Set<String> domains, Networks trusted, Dns dns, List<Pattern> dynamic,
                         Set<InetAddress> ours) {
        return checks(hostname, domains, trusted, dns, dynamic, ours, NO_LISTS, List.of(), List.of(), Runnable::run);
    }

    static final Supplier<Lists.Snapshots> NO_LISTS = () -> Lists.of(List.of(), Clock.systemUTC());

    static Checks checks(String hostname, Set<String> domains, Networks trusted, Dns dns, List<Pattern> dynamic,
                         Set<InetAddress> ours, Supplier<Lists.Snapshots> lists, List<DnsblCheck.Zone> dnsbl,
                         List<DnsblCheck.Zone> rhsbl, Executor executor) {
        RecipientCheck rc = new RecipientCheck(domains);
        Clock clock = Clock.systemUTC();
        return new Checks(List.of(
                new ClientCheck(trusted),
                new LocalListCheck(lists, Stage.CONNECT),
                new DnsblCheck(dns, dnsbl, false, executor),
                new ReverseDnsCheck(dns, dynamic),
                new HeloCheck(dns, hostname, domains, ours),
                new SpfCheck(dns, hostname, SpfCheck.Identity.HELO),
                new EnvelopeCheck(),
                new LocalListCheck(lists, Stage.MAIL),
                new DnsblCheck(dns, rhsbl, true, executor),
                new SpfCheck(dns, hostname, SpfCheck.Identity.MAIL_FROM),
                rc,
                new MessageCheck(),
                new DnsblCheck(dns, rhsbl, DnsblCheck.Subject.FROM, executor),
                new HeaderCheck(hostname, domains, clock),
                new AuthenticationCheck(dns, clock)), rc);
    }

    /** The signal catalogue, which does not depend on configuration values. */
    public static Catalogue catalogue() {
        return PolicyEngine.catalogueOf(withConsent(checks("mx.example.net", Set.of(), new Networks(List.of()), new InMemoryDns(),
                ReverseDnsCheck.defaultPatterns(), Set.of()), null).all());
    }

    /** One regular expression a line ('#' comments); a bad one is a configuration error naming file and line. */
    static List<Pattern> dynamicPatterns(Path file) throws ConfigException {
        if (file == null || !Files.exists(file)) {
            return ReverseDnsCheck.defaultPatterns();
        }
        List<Pattern> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                try {
                    out.add(Pattern.compile(l, Pattern.CASE_INSENSITIVE));
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(file + ":" + (i + 1) + ": invalid regular expression: " + e.getDescription());
                }
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return out;
    }

    /** Our own addresses, for HELO claims: the listen address and every local interface's. */
    static Set<InetAddress> ourAddresses(GatewayConfig cfg) {
        Set<InetAddress> out = new HashSet<>();
        try {
            InetAddress listen = net.portcullis.rules.Network.address(cfg.listen().host());
            if (!listen.isAnyLocalAddress()) {
                out.add(listen);
            }
        } catch (IllegalArgumentException ignored) {
            // a host name as listen address: the interfaces below cover it
        }
        try {
            for (NetworkInterface ni : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(java.util.Collections.list(ni.getInetAddresses()));
            }
        } catch (IOException ignored) {
            // no interface list on this platform: the listen address must do
        }
        return out;
    }
}
