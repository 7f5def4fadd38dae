package net.portcullis.gateway.checks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.av.Clamd;
import net.portcullis.policy.checks.AntivirusCheck;

/**
 * {@code antivirus:} in gateway.yaml — each message streamed to clamd (docs/content.md):
 *
 * <pre>
 * antivirus:
 *   servers: ["127.0.0.1:3310", "unix:/run/clamav/clamd.ctl"]
 *   timeout: 6s
 *   max_size: 25M
 * </pre>
 *
 * Off while {@code servers} is empty. No state: a reload applies a change at once.
 */
public final class AntivirusModule implements CheckModule<AntivirusCheck.Settings> {
    @Override
    public String name() {
        return "antivirus";
    }

    @Override
    public String section() {
        return "antivirus";
    }

    @Override
    public Class<AntivirusCheck.Settings> configType() {
        return AntivirusCheck.Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public AntivirusCheck.Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("servers", "timeout", "max_size"));
        List<Clamd.Server> servers = new ArrayList<>();
        for (String a : s.strings("servers")) {
            try {
                servers.add(Clamd.Server.parse(a));
            } catch (IllegalArgumentException e) {
                throw ConfigException.of(s.key("servers"), a, "must be host:port or unix:/path/to/clamd.ctl (" + e.getMessage() + ")");
            }
        }
        Duration timeout = s.duration("timeout", Duration.ofSeconds(6));
        long maxSize = s.size("max_size", 25L << 20, 1024);
        return new AntivirusCheck.Settings(servers.isEmpty() ? null : new Clamd(servers, timeout), maxSize);
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new AntivirusCheck(env.section(this)));
    }
}
