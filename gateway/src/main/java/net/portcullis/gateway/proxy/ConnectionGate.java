package net.portcullis.gateway.proxy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.session.Drain;
import net.portcullis.gateway.session.MailSession;
import net.portcullis.gateway.session.RefIds;
import net.portcullis.gateway.session.RefNote;
import net.portcullis.gateway.session.Refusals;
import net.portcullis.gateway.session.TransactionObserver;
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
    private final Drain drain;

    private final net.portcullis.gateway.metrics.Metrics metrics;

    private final String refUrl;
    private final java.util.function.Supplier<TransactionObserver> observers;
    private final Function<InetAddress, String> network;
    private volatile GreetingPause greeting;
    private volatile net.portcullis.rules.Networks trusted;

    /**
     * @param network    the network an address counts in for connections_per_network (the rate limits' width)
     * @param observers  the modules' observers in force, told of every connection attempt
     */
    public ConnectionGate(int perClient, int perNetwork, net.portcullis.rules.Networks trusted, Dns dns, Executor lookups, DecisionLog log,
                          net.portcullis.gateway.metrics.Metrics metrics, String refUrl, Drain drain, Function<InetAddress, String> network,
                          java.util.function.Supplier<TransactionObserver> observers, GreetingPause greeting) {
        this.refUrl = refUrl;
        this.drain = drain;
        this.network = network;
        this.observers = observers;
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
    public void update(int perClient, int perNetwork, net.portcullis.rules.Networks trusted, Dns dns, GreetingPause greeting) {
        this.perClient = perClient;
        this.perNetwork = perNetwork;
        this.trusted = trusted;
        this.dns = dns;
        this.greeting = greeting;
    }

    public int open() {
        return sessions.size();
    }

    SessionState state(Session s) {
        return sessions.get(s);
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress addr = session.getRemoteAddress().getAddress();
        if (drain.draining()) {
            return refuse(addr, Refusals.SHUTTING_DOWN, "shutdown");
        }
        observers.get().onConnect(addr); // every attempt counts, refused ones too: a flood is what a rate limit is for
        boolean capped = trusted.match(addr).isEmpty();
        if (capped && !take(counts, addr, perClient)) {
            return refuse(addr, Refusals.TOO_MANY_CONNECTIONS,
                    "limits.connections_per_client");
        }
        if (capped && !take(networkCounts, network(addr), perNetwork)) {
            give(counts, addr);
            return refuse(addr, Refusals.TOO_MANY_FROM_NETWORK,
                    "limits.connections_per_network");
        }
        // a cached answer at once; else asked on another thread while the client is greeted
        CompletableFuture<DnsAnswer> ptr = dns.ptrSoon(addr, lookups);
        SessionState state = new SessionState(new MailSession(addr, session.getRemoteAddress().getPort(), ptr));
        state.capped = capped;
        sessions.put(session, state);
        // the reverse lookup runs during the pause; the banner goes out when accept returns
        state.mail.greeting(greeting.await(session.getSocket(), addr));
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
        return network.apply(addr);
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

}
