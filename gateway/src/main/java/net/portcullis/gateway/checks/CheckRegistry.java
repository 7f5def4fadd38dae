package net.portcullis.gateway.checks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ClientCheck;
import net.portcullis.policy.checks.ConsentChecks;
import net.portcullis.policy.checks.EnvelopeCheck;
import net.portcullis.policy.checks.HeaderCheck;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.LocalListCheck;
import net.portcullis.policy.checks.MessageCheck;
import net.portcullis.policy.checks.ProtocolCheck;
import net.portcullis.policy.checks.RecipientCheck;
import net.portcullis.policy.checks.ReverseDnsCheck;
import net.portcullis.policy.checks.SpfCheck;
import net.portcullis.rules.Stage;

/**
 * Every check the gateway can run, in the order they run within a stage: the one list the
 * gateway, `rules test`, `rules replay` and `portcullis signals` build their checks from, and
 * the one list {@link net.portcullis.gateway.app.ConfigLoader} asks for the sections checks
 * own. To add a check: write it (policy/checks), give it a module here, a section in
 * conf/gateway.yaml, a rule file, a doc section and a test class.
 */
public final class CheckRegistry {
    private CheckRegistry() {
    }

    public static final RateLimitModule RATE_LIMITS = new RateLimitModule();
    public static final GreetingModule GREETING = new GreetingModule();
    public static final TarpitModule TARPIT = new TarpitModule();
    public static final GreylistModule GREYLIST = new GreylistModule();
    public static final DmarcModule DMARC = new DmarcModule();
    public static final DnsblModule DNSBL = new DnsblModule("dnsbl", false);
    public static final DnsblModule RHSBL = new DnsblModule("rhsbl", true);

    public static final List<CheckModule<?>> MODULES = List.of(
            CheckModule.Simple.of("client", env -> List.of(new ClientCheck(env.config().trustedNetworks()))),
            GREETING,
            CheckModule.Simple.of("protocol", env -> List.of(new ProtocolCheck())),
            CheckModule.Simple.of("local-lists", env -> List.of(new LocalListCheck(env.lists(), Stage.CONNECT),
                    new LocalListCheck(env.lists(), Stage.MAIL))),
            DNSBL,
            CheckModule.Simple.of("reverse-dns", env -> List.of(new ReverseDnsCheck(env.dns(),
                    dynamicPatterns(env.config().checks().dynamicPatterns())))),
            CheckModule.Simple.of("helo", env -> List.of(new HeloCheck(env.dns(), env.config().hostname(), env.config().domains(),
                    ourAddresses(env.config())), new SpfCheck(env.dns(), env.config().hostname(), SpfCheck.Identity.HELO))),
            CheckModule.Simple.of("envelope", env -> List.of(new EnvelopeCheck())),
            RHSBL,
            CheckModule.Simple.of("spf", env -> List.of(new SpfCheck(env.dns(), env.config().hostname(), SpfCheck.Identity.MAIL_FROM))),
            CheckModule.Simple.of("recipient", env -> List.of(new RecipientCheck(net.portcullis.policy.LocalDomains.of(env.config().domains())))),
            CheckModule.Simple.of("message", env -> List.of(new MessageCheck(),
                    new HeaderCheck(env.config().hostname(), env.config().domains(), Clock.systemUTC()))),
            DMARC,
            RATE_LIMITS,
            TARPIT,
            GREYLIST,
            new KnownSendersModule(),
            CheckModule.Simple.of("consent", env -> List.of(new ConsentChecks.BulkSender(env.consent()),
                    new ConsentChecks.Recipient(env.consent()), new ConsentChecks.Content(), new ConsentChecks.Message(env.consent()))));

    /** The top-level keys of gateway.yaml that modules own. */
    public static Set<String> sections() {
        Set<String> out = new HashSet<>();
        for (CheckModule<?> m : MODULES) {
            if (m.section() != null) {
                out.add(m.section());
            }
        }
        return out;
    }

    /** The sections whose change a reload applies at once (the others wait for a restart: their state lives across reloads). */
    public static Set<String> reloadableSections() {
        Set<String> out = new HashSet<>();
        for (CheckModule<?> m : MODULES) {
            if (m.section() != null && m.reloadable()) {
                out.add(m.section());
            }
        }
        return out;
    }

    /** Each module's section parsed (defaults where the file has none), by section name. */
    public static Map<String, Object> parse(ConfigSection top) throws ConfigException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (CheckModule<?> m : MODULES) {
            if (m.section() != null) {
                out.put(m.section(), m.parse(top.section(m.section())));
            }
        }
        return out;
    }

    /** The modules' observers, in registry order, for the transactions of a configuration. */
    public static net.portcullis.gateway.session.Observers observers(CheckEnv env) {
        List<net.portcullis.gateway.session.TransactionObserver> out = new ArrayList<>();
        for (CheckModule<?> m : MODULES) {
            out.addAll(m.observers(env));
        }
        return new net.portcullis.gateway.session.Observers(out);
    }

    /** The checks of every module, in order. */
    public static List<Check> build(CheckEnv env) throws ConfigException {
        List<Check> out = new ArrayList<>();
        for (CheckModule<?> m : MODULES) {
            out.addAll(m.build(env));
        }
        return List.copyOf(out);
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

    /** Our own addresses, for HELO claims: the listen addresses and every local interface's. */
    static Set<InetAddress> ourAddresses(GatewayConfig cfg) {
        Set<InetAddress> out = new HashSet<>();
        for (GatewayConfig.Listener l : cfg.listeners()) {
            try {
                InetAddress listen = net.portcullis.rules.Network.address(l.address().host());
                if (!listen.isAnyLocalAddress()) {
                    out.add(listen);
                }
            } catch (IllegalArgumentException ignored) {
                // a host name as listen address: the interfaces below cover it
            }
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
