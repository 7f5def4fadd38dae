package net.portcullis.gateway.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.DnsblCheck;
import net.portcullis.policy.dns.ListingCodes;

/**
 * {@code dnsbl:}, {@code rhsbl:} and {@code dnswl:} in gateway.yaml — DNS blacklists of client
 * addresses and of domains (the envelope sender's and the From field's), and DNS allowlists of
 * client addresses, one module each (docs/blacklists.md):
 *
 * <pre>
 * dnsbl:
 *   zones:
 *     - {zone: bl.example.org, codes: {"127.0.0.2": spam source}, weight: 1}
 * </pre>
 *
 * No state: a reload applies a changed zone list at once.
 */
public final class DnsblModule implements CheckModule<DnsblModule.Zones> {
    public record Zones(List<DnsblCheck.Zone> zones) {
        public Zones {
            zones = List.copyOf(zones);
        }
    }

    private final String section;
    private final DnsblCheck.Subject subject;

    /**
     * @param subject CLIENT: client addresses ({@code dnsbl}); ENVELOPE: the sender's and the From
     *                field's domains ({@code rhsbl}); ALLOW: client addresses in allowlists ({@code dnswl})
     */
    DnsblModule(String section, DnsblCheck.Subject subject) {
        this.section = section;
        this.subject = subject;
    }

    @Override
    public String name() {
        return section;
    }

    @Override
    public String section() {
        return section;
    }

    @Override
    public Class<Zones> configType() {
        return Zones.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    /** zones: [{zone: bl.example.org, codes: {"127.0.0.2": spam source}, weight: 1}] */
    @Override
    public Zones parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("zones"));
        return new Zones(zones(s));
    }

    /** The {@code zones} key of a DNS list section (dnsbl, rhsbl, uribl): each error names the zone's index. */
    static List<DnsblCheck.Zone> zones(ConfigSection s) throws ConfigException {
        Object raw = s.raw("zones");
        List<DnsblCheck.Zone> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof List<?> list)) {
            throw ConfigException.of(s.key("zones"), raw, "must be a list of {zone: NAME, codes: {...}, weight: N}");
        }
        int i = 0;
        for (Object o : list) {
            String k = s.key("zones") + "[" + i++ + "]";
            if (!(o instanceof Map<?, ?> m)) {
                throw ConfigException.of(k, o, "must be a mapping like {zone: bl.example.org}");
            }
            out.add(zone(new ConfigSection(k, m), k));
        }
        return out;
    }

    private static DnsblCheck.Zone zone(ConfigSection z, String k) throws ConfigException {
        z.allow(Set.of("zone", "codes", "weight"));
        String zone = z.string("zone", null);
        if (zone == null || !zone.matches("(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9-]+")) {
            throw ConfigException.of(k + ".zone", zone, "must be a DNS zone name such as bl.example.org");
        }
        Map<String, String> codes = new LinkedHashMap<>();
        Object c = z.raw("codes");
        if (c instanceof Map<?, ?> cm) {
            for (Map.Entry<?, ?> e : cm.entrySet()) {
                String code = String.valueOf(e.getKey());
                if (!ListingCodes.valid(code)) {
                    throw ConfigException.of(k + ".codes", code, "is not a return code in 127.0.0.0/8, exact (127.0.1.2) or a bit mask "
                            + "(127.0.0.64/mask)");
                }
                codes.put(code, String.valueOf(e.getValue()));
            }
        } else if (c != null) {
            throw ConfigException.of(k + ".codes", c, "must be a mapping of return code to meaning");
        }
        return new DnsblCheck.Zone(zone.toLowerCase(Locale.ROOT), codes, z.integer("weight", 1, -1000, 1000));
    }

    @Override
    public List<Check> build(CheckEnv env) {
        List<DnsblCheck.Zone> zones = env.section(this).zones();
        if (subject != DnsblCheck.Subject.ENVELOPE) {
            return List.of(new DnsblCheck(env.dns(), zones, subject, env.executor()));
        }
        return List.of(new DnsblCheck(env.dns(), zones, DnsblCheck.Subject.ENVELOPE, env.executor()),
                new DnsblCheck(env.dns(), zones, DnsblCheck.Subject.FROM, env.executor()));
    }
}
