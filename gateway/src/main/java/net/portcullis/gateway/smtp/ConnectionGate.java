package net.portcullis.gateway.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Reply;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admits or refuses a connection before the greeting: too many connections at once from one
 * address or from its network (ratelimit.network_v4/v6: a botnet's neighbours, Postfix's anvil
 * counts only the address), or the gateway is shutting down. Trusted networks are exempt from both caps
 * and are not counted against their neighbours (as Postfix exempts $mynetworks from its anvil limits):
 * a flood from the rest of a /24 must not lock out the relay host that shares it. Starts the reverse lookup of each admitted client, so that
 * its answer is usually there by the time the first transaction needs it.
 */
public final class ConnectionGate implements SessionHandler {
    private volatile int perClient;
    private volatile int perNetwork;
    private final Map<String, Integer> networkCounts = new ConcurrentHashMap<>();
    private volatile Dns dns;
    private final Executor lookups;
    private final DecisionLog log;
    private final Map<InetAddress, Integer> counts = new ConcurrentHashMap<>();
    private final Map<Session, SessionState> sessions = new ConcurrentHashMap<>();
    private volatile boolean draining;

    private final net.portcullis.gateway.admin.Metrics metrics;

    private final String refUrl;
    private final net.portcullis.policy.rate.RateLimits rates;
    private volatile GreetingPause greeting;
    private volatile net.portcullis.rules.Networks trusted;

    ConnectionGate(int perClient, int perNetwork, net.portcullis.rules.Networks trusted, Dns dns, Executor lookups, DecisionLog log, net.portcullis.gateway.admin.Metrics metrics,
                   String refUrl, net.portcullis.policy.rate.RateLimits rates, GreetingPause greeting) {
        this.refUrl = refUrl;
        this.rates = rates;
        this.greeting = greeting;
        this.metrics = metrics;
        this.perClient = perClient;
        this.perNetwork = perNetwork;
        this.trusted = trusted;
        this.dns = dns;
        this.lookups = lookups;
        this.log = log;
    }

    /** A reloaded configuration's caps, resolver and greeting pause, for the connections from now on. */
    void update(int perClient, int perNetwork, net.portcullis.rules.Networks trusted, Dns dns, GreetingPause greeting) {
        this.perClient = perClient;
        this.perNetwork = perNetwork;
        this.trusted = trusted;
        this.dns = dns;
        this.greeting = greeting;
    }

    void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    int open() {
        return sessions.size();
    }

    SessionState state(Session s) {
        return sessions.get(s);
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress addr = session.getRemoteAddress().getAddress();
        if (draining) {
            return refuse(addr, new Reply(421, "4.3.2", "Service shutting down, try again later"), "shutdown");
        }
        rates.connection(addr); // every attempt counts, refused ones too: a flood is what the limit is for
        boolean capped = trusted.match(addr).isEmpty();
        if (capped && !take(counts, addr, perClient)) {
            return refuse(addr, new Reply(421, "4.7.0", "Too many connections from your address, try again later"),
                    "limits.connections_per_client");
        }
        if (capped && !take(networkCounts, network(addr), perNetwork)) {
            give(counts, addr);
            return refuse(addr, new Reply(421, "4.7.0", "Too many connections from your network, try again later"),
                    "limits.connections_per_network");
        }
        // a cached answer at once; else asked on another thread while the client is greeted
        CompletableFuture<DnsAnswer> ptr = dns.ptrSoon(addr, lookups);
        SessionState state = new SessionState(ptr);
        state.capped = capped;
        sessions.put(session, state);
        // the reverse lookup runs during the pause; the banner goes out when accept returns
        state.greeting = greeting.await(session.getSocket(), addr);
        state.wire = ClientSocket.stream(session.getSocket());
        if (state.wire != null) {
            state.wire.commands(); // the PROXY header, if any, has been read: from here on, command lines
        }
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        SessionState state = sessions.remove(session);
        if (state != null && state.capped) {
            InetAddress addr = session.getRemoteAddress().getAddress();
            give(counts, addr);
            give(networkCounts, network(addr));
        }
    }

    /** One more connection for {@code key}, unless it has {@code max} already. */
    private static <K> boolean take(Map<K, Integer> counts, K key, int max) {
        boolean[] over = {false};
        counts.compute(key, (k, v) -> {
            int n = v == null ? 1 : v + 1;
            if (n > max) {
                over[0] = true;
                return v;
            }
            return n;
        });
        return !over[0];
    }

    private static <K> void give(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
    }

    private String network(InetAddress addr) {
        var c = rates.config();
        return net.portcullis.policy.rate.ClientNetwork.of(addr, c.v4Prefix(), c.v6Prefix());
    }

    private SessionAcceptance refuse(InetAddress addr, Reply reply, String by) {
        String ref = RefIds.next();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", java.time.Instant.now().toString());
        rec.put("ref", ref);
        rec.put("event", "connection_refused");
        rec.put("client", addr.getHostAddress());
        rec.put("decided_by", by);
        rec.put("verdict", "tempfail");
        rec.put("reply", reply.line(ref));
        log.write(rec);
        metrics.connectionRefused(by);
        return SessionAcceptance.failure(reply.code(), reply.status() + " " + reply.text() + " " + RefNote.of(ref, refUrl));
    }

    /** How long a transaction waits for the reverse lookup started at connect: its own timeout, and a little. */
    public static Duration lookupWait(Duration dnsTimeout) {
        return dnsTimeout.plusMillis(500);
    }
}
