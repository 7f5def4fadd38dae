package net.portcullis.gateway.checks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.HeloCheck;
import net.portcullis.policy.checks.SpfCheck;
import net.portcullis.rules.Network;

/**
 * {@code helo:} in gateway.yaml — the HELO name's syntax, whether it resolves, whether it claims
 * to be us, and SPF of the HELO identity (docs/transmission.md):
 *
 * <pre>
 * helo:
 *   our_addresses: [198.51.100.25]
 * </pre>
 *
 * A HELO claims to be us when it names our host name or one of our domains, or is the address
 * literal of one of our addresses: the listen addresses, every local interface's, and
 * {@code our_addresses} — the public address a NAT or load balancer shows the world, which no
 * local interface has. No state: a reload applies a change at once.
 */
public final class HeloModule implements CheckModule<HeloModule.Settings> {
    public record Settings(Set<InetAddress> ourAddresses) {
        public Settings {
            ourAddresses = Set.copyOf(ourAddresses);
        }
    }

    @Override
    public String name() {
        return "helo";
    }

    @Override
    public String section() {
        return "helo";
    }

    @Override
    public Class<Settings> configType() {
        return Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("our_addresses"));
        Set<InetAddress> out = new HashSet<>();
        for (String a : s.strings("our_addresses")) {
            try {
                out.add(Network.address(a));
            } catch (IllegalArgumentException e) {
                throw ConfigException.of(s.key("our_addresses"), a, "must be an IP address, like 198.51.100.25 or 2001:db8::25");
            }
        }
        return new Settings(out);
    }

    @Override
    public List<Check> build(CheckEnv env) {
        GatewayConfig cfg = env.config();
        Set<InetAddress> ours = ourAddresses(cfg);
        ours.addAll(env.section(this).ourAddresses());
        return List.of(new HeloCheck(env.dns(), cfg.hostname(), cfg.domains(), ours),
                new SpfCheck(env.dns(), cfg.hostname(), SpfCheck.Identity.HELO));
    }

    /** The listen addresses and every local interface's. */
    static Set<InetAddress> ourAddresses(GatewayConfig cfg) {
        Set<InetAddress> out = new HashSet<>();
        for (GatewayConfig.Listener l : cfg.listeners()) {
            try {
                InetAddress listen = Network.address(l.address().host());
                if (!listen.isAnyLocalAddress()) {
                    out.add(listen);
                }
            } catch (IllegalArgumentException ignored) {
                // a host name as listen address: the interfaces below cover it
            }
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(ni.getInetAddresses()));
            }
        } catch (IOException ignored) {
            // no interface list on this platform: the listen address must do
        }
        return out;
    }
}
