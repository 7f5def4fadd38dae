package net.portcullis.gateway.checks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.RspamdCheck;
import net.portcullis.policy.content.Rspamd;

/**
 * {@code rspamd:} in gateway.yaml — an rspamd an operator already runs, asked about each message
 * (docs/content.md); its verdict becomes signals, the rules decide:
 *
 * <pre>
 * rspamd:
 *   servers: ["http://127.0.0.1:11333"]
 *   timeout: 5s
 * </pre>
 *
 * Off while {@code servers} is empty (the default). No state: a reload applies a change at once.
 */
public final class RspamdModule implements CheckModule<RspamdCheck.Settings> {
    @Override
    public String name() {
        return "rspamd";
    }

    @Override
    public String section() {
        return "rspamd";
    }

    @Override
    public Class<RspamdCheck.Settings> configType() {
        return RspamdCheck.Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public RspamdCheck.Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("servers", "timeout"));
        List<URI> servers = new ArrayList<>();
        for (String a : s.strings("servers")) {
            URI u;
            try {
                u = new URI(a);
            } catch (java.net.URISyntaxException e) {
                throw ConfigException.of(s.key("servers"), a, "is not a URL: " + e.getReason());
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw ConfigException.of(s.key("servers"), a, "must be an http URL of rspamd's normal worker, e.g. http://127.0.0.1:11333");
            }
            servers.add(u);
        }
        Duration timeout = s.duration("timeout", Duration.ofSeconds(5));
        return new RspamdCheck.Settings(servers.isEmpty() ? null : new Rspamd(servers, timeout));
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new RspamdCheck(env.section(this)));
    }
}
