package net.portcullis.gateway.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.AuthenticationCheck;
import net.portcullis.policy.dmarc.OrgDomains;
import net.portcullis.policy.dmarc.PublicSuffixes;

/**
 * {@code dmarc:} in gateway.yaml — DKIM and DMARC at the data stage (AuthenticationCheck):
 *
 * <pre>
 * dmarc:
 *   public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat   # the default, when that file exists
 * </pre>
 *
 * The Public Suffix List decides organisational domains (relaxed alignment, the record at the
 * organisational domain). Debian's publicsuffix package keeps the file current; without it the list
 * bundled with Guava is used, frozen at Guava's release.
 */
public final class DmarcModule implements CheckModule<DmarcModule.Config> {
    /** Debian's publicsuffix package. */
    static final Path DEBIAN_LIST = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");

    /** @param suffixes the list loaded from a file, or null for the bundled one */
    public record Config(PublicSuffixes suffixes) { }

    @Override
    public String name() {
        return "dmarc";
    }

    @Override
    public String section() {
        return "dmarc";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("public_suffix_list"));
        String configured = s.string("public_suffix_list", null);
        if ("bundled".equals(configured)) {
            return new Config(null);
        }
        Path file = configured != null ? Path.of(configured) : Files.isReadable(DEBIAN_LIST) ? DEBIAN_LIST : null;
        if (file == null) {
            return new Config(null);
        }
        try {
            return new Config(PublicSuffixes.load(file));
        } catch (IOException e) {
            throw ConfigException.of(s.key("public_suffix_list"), file.toString(), "cannot be read as a public suffix list: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())
                    + " (install Debian's publicsuffix package, or say \"bundled\")");
        }
    }

    @Override
    public List<Check> build(CheckEnv env) {
        OrgDomains.use(env.section(this).suffixes());
        return List.of(new AuthenticationCheck(env.dns(), Clock.systemUTC()));
    }
}
