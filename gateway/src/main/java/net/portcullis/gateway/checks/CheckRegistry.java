package net.portcullis.gateway.checks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every check the gateway can run, in the order they run within a stage: the one list the
 * gateway, `rules test`, `rules replay` and `portcullis signals` build their checks from, and
 * the one list {@link net.portcullis.gateway.app.ConfigLoader} asks for the sections checks
 * own. To add a check: write it (policy/checks), give it a module here, a section in
 * conf/gateway.yaml, a rule file, a doc section and a test class.
 */
public final class CheckRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(CheckRegistry.class);

    private CheckRegistry() {
    }

    public static final RateLimitModule RATE_LIMITS = new RateLimitModule();
    public static final GreetingModule GREETING = new GreetingModule();
    public static final TarpitModule TARPIT = new TarpitModule();
    public static final GreylistModule GREYLIST = new GreylistModule();
    public static final DmarcModule DMARC = new DmarcModule();
    public static final DnsblModule DNSBL = new DnsblModule("dnsbl", net.portcullis.policy.checks.DnsblCheck.Subject.CLIENT);
    public static final DnsblModule RHSBL = new DnsblModule("rhsbl", net.portcullis.policy.checks.DnsblCheck.Subject.ENVELOPE);
    public static final DnsblModule DNSWL = new DnsblModule("dnswl", net.portcullis.policy.checks.DnsblCheck.Subject.ALLOW);

    public static final List<CheckModule<?>> MODULES = List.of(
            new ClientModule(),
            GREETING,
            new ProtocolModule(),
            new LocalListsModule(),
            DNSBL,
            DNSWL,
            new PeersModule(),
            new ReverseDnsModule(),
            new HeloModule(),
            new EnvelopeModule(),
            RHSBL,
            new SpfModule(),
            new RecipientModule(),
            new MessageModule(),
            DMARC,
            new UriblModule(),
            new AntivirusModule(),
            new AttachmentModule(),
            new RspamdModule(),
            RATE_LIMITS,
            TARPIT,
            GREYLIST,
            new KnownSendersModule(),
            new ReputationModule(),
            new ConsentModule());

    /** A key that moved into a module's section: still read where it was, with a warning; refused when set in both. */
    private record Moved(String oldSection, String key, String newSection) { }

    private static final List<Moved> MOVED = List.of(new Moved("checks", "dynamic_patterns", "reverse_dns"));

    /** The old places of moved keys, by section: ConfigLoader still allows them there. */
    public static Set<String> movedKeys(String oldSection) {
        Set<String> out = new HashSet<>();
        for (Moved m : MOVED) {
            if (m.oldSection().equals(oldSection)) {
                out.add(m.key());
            }
        }
        return out;
    }

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
                out.put(m.section(), m.parse(withMovedKeys(top, m.section())));
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

    private static ConfigSection withMovedKeys(ConfigSection top, String section) throws ConfigException {
        ConfigSection s = top.section(section);
        for (Moved m : MOVED) {
            Object old = m.newSection().equals(section) ? top.section(m.oldSection()).raw(m.key()) : null;
            if (old != null) {
                String oldKey = m.oldSection() + "." + m.key();
                LOG.warn("{} has moved to {}.{}; it is still read where it is, move it when you next edit the file", oldKey, section, m.key());
                s = s.withMoved(m.key(), old, oldKey);
            }
        }
        return s;
    }
}
