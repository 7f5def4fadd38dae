package net.portcullis.gateway.checks;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.LocalDomains;
import net.portcullis.policy.checks.UriblCheck;
import net.portcullis.policy.content.MimeWalk;

/**
 * {@code uribl:} in gateway.yaml — links in the body against domain blacklists (docs/content.md):
 *
 * <pre>
 * uribl:
 *   zones:
 *     - {zone: dbl.spamhaus.org, codes: {"127.0.1.2": spam domain, "127.0.1.4": phishing domain}}
 *     - {zone: multi.surbl.org, codes: {"127.0.0.64/mask": abuse, "127.0.0.8/mask": phishing}}
 *   max_domains: 20
 *   ignore: [example.com]
 * </pre>
 *
 * No state: a reload applies a change at once.
 */
public final class UriblModule implements CheckModule<UriblCheck.Settings> {
    @Override
    public String name() {
        return "uribl";
    }

    @Override
    public String section() {
        return "uribl";
    }

    @Override
    public Class<UriblCheck.Settings> configType() {
        return UriblCheck.Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public UriblCheck.Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("zones", "max_domains", "ignore", "max_hosts", "max_depth", "max_parts", "max_text", "max_scan", "resolve"));
        Set<String> ignore = new HashSet<>();
        for (String d : s.strings("ignore")) {
            String n = d.toLowerCase(Locale.ROOT);
            if (!n.matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9-]+")) {
                throw ConfigException.of(s.key("ignore"), d, "must be a domain name such as example.com");
            }
            ignore.add(n);
        }
        MimeWalk.Limits limits = new MimeWalk.Limits(s.integer("max_depth", MimeWalk.Limits.DEFAULT.maxDepth(), 1, 100),
                s.integer("max_parts", MimeWalk.Limits.DEFAULT.maxParts(), 1, 10_000),
                (int) Math.min(Integer.MAX_VALUE - 8, s.size("max_text", MimeWalk.Limits.DEFAULT.maxTextBytes(), 1024)),
                Math.min(1L << 30, s.size("max_scan", MimeWalk.Limits.DEFAULT.maxBytes(), 64 * 1024)));
        return new UriblCheck.Settings(DnsblModule.zones(s), s.integer("max_domains", 20, 1, 1000), ignore, limits,
                s.integer("max_hosts", 1000, 1, 100_000), s.bool("resolve", false), List.of());
    }

    @Override
    public List<Check> build(CheckEnv env) {
        UriblCheck.Settings u = env.section(this);
        // the IP DNSBLs are dnsbl's own zones: one list of them in the file, asked for clients and links alike
        UriblCheck.Settings withIps = new UriblCheck.Settings(u.zones(), u.maxDomains(), u.ignore(), u.limits(), u.maxHosts(), u.resolve(),
                env.section(CheckRegistry.DNSBL).zones());
        return List.of(new UriblCheck(env.dns(), withIps, LocalDomains.of(env.config().domains()), env.lists(), env.executor()));
    }
}
