package net.portcullis.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What of a changed gateway.yaml a running gateway cannot take without a restart: its sockets
 * (listen, admin and the other listeners), what it opened at start (the store, Redis, TLS, the
 * AUTH users, the spool, var_dir), what SubEthaSMTP fixed at start (hostname in the banner,
 * limits.connections, limits.idle_timeout, limits.message_size advertised as SIZE), where the
 * rules are read from, and the check sections whose state lives across transactions (ratelimit,
 * greylist, greeting, tarpit, known_senders: every module that does not say it is reloadable).
 * Everything else is applied by a reload.
 */
public final class ConfigChanges {
    private ConfigChanges() {
    }

    /**
     * The keys whose change waits for a restart, in the order of gateway.yaml.
     *
     * @param reloadable the check sections a reload applies at once (their modules keep no state)
     */
    public static List<String> restartNeeded(GatewayConfig was, GatewayConfig now, java.util.Set<String> reloadable) {
        List<String> out = new ArrayList<>();
        diff(out, "listen", was.listeners(), now.listeners());
        diff(out, "hostname", was.hostname(), now.hostname());
        diff(out, "limits.connections", was.limits().connections(), now.limits().connections());
        diff(out, "limits.idle_timeout", was.limits().idleTimeout(), now.limits().idleTimeout());
        diff(out, "limits.message_size", was.limits().messageSize(), now.limits().messageSize());
        diff(out, "tls", was.tls(), now.tls());
        diff(out, "auth.users_file", was.usersFile(), now.usersFile());
        diff(out, "spool", was.spool(), now.spool());
        diff(out, "var_dir", was.varDir(), now.varDir());
        diff(out, "shutdown_grace", was.shutdownGrace(), now.shutdownGrace());
        diff(out, "rules.directory", was.rules().directory(), now.rules().directory());
        diff(out, "rules.local", was.rules().local(), now.rules().local());
        diff(out, "rules.lists", was.rules().lists(), now.rules().lists());
        diff(out, "admin.listen", was.adminListen(), now.adminListen());
        diff(out, "store", was.store(), now.store());
        diff(out, "reports", was.reports(), now.reports());
        diff(out, "consent", was.consent(), now.consent());
        diff(out, "log", was.log(), now.log());
        diff(out, "review", was.review(), now.review());
        diff(out, "hold", was.hold(), now.hold());
        diff(out, "redis", was.redis(), now.redis());
        diff(out, "milter.listen", was.milter().listen(), now.milter().listen());
        diff(out, "milter.max_packet", was.milter().maxPacket(), now.milter().maxPacket());
        diff(out, "milter.timeout", was.milter().timeout(), now.milter().timeout());
        for (String section : new TreeSet<>(was.checkSections().keySet())) {
            if (reloadable.contains(section)) {
                continue;
            }
            diff(out, section, was.checkSections().get(section), now.checkSections().get(section));
        }
        return out;
    }

    private static void diff(List<String> out, String key, Object was, Object now) {
        if (!Objects.equals(was, now)) {
            out.add(key);
        }
    }
}
