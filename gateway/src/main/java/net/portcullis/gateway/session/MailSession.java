package net.portcullis.gateway.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.portcullis.policy.Client;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Verdict;

/**
 * One client connection as both shapes know it: the address and port, our own reverse lookup
 * (started at connect), what the client said (HELO, TLS, AUTH — read from the SMTP session by
 * the proxy, from the MTA's macros by the milter), the greeting pause's outcome, and a refusal
 * decided on the client itself, which holds for the rest of the session.
 */
public final class MailSession {
    private final InetAddress address;
    private final int port;
    private final CompletableFuture<DnsAnswer> reverse;
    private volatile DnsAnswer ptr;
    private volatile String helo;
    private volatile boolean ehlo;
    private volatile String tls;
    private volatile String authUser;
    private volatile Verdict sessionRefusal;
    private volatile Client.Greeting greeting = Client.Greeting.OFF;
    private volatile Supplier<Client.Conduct> conduct = () -> Client.Conduct.CLEAN;
    private volatile Map<String, String> mta = Map.of();

    public MailSession(InetAddress address, int port, CompletableFuture<DnsAnswer> reverse) {
        this.address = address;
        this.port = port;
        this.reverse = reverse;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public String helo() {
        return helo;
    }

    /** The name the client greeted with, and whether with EHLO. */
    public void helo(String name, boolean extended) {
        this.helo = name;
        this.ehlo = extended;
    }

    public boolean ehlo() {
        return ehlo;
    }

    /** The TLS protocol of the client's connection (TLSv1.3), or null for plain text. */
    public String tls() {
        return tls;
    }

    public void tls(String protocol) {
        this.tls = protocol == null || protocol.isBlank() ? null : protocol;
    }

    public String authUser() {
        return authUser;
    }

    public void authUser(String user) {
        this.authUser = user == null || user.isBlank() ? null : user;
    }

    public Verdict sessionRefusal() {
        return sessionRefusal;
    }

    public void refuseSession(Verdict v) {
        this.sessionRefusal = v;
    }

    public Client.Greeting greeting() {
        return greeting;
    }

    public void greeting(Client.Greeting g) {
        this.greeting = g;
    }

    /** How the client keeps to the protocol, asked when a stage needs it (the proxy watches its commands). */
    public void conduct(Supplier<Client.Conduct> c) {
        this.conduct = c;
    }

    public Client.Conduct conduct() {
        return conduct.get();
    }

    /** Which MTA asked (milter connect macros), for the decision record; empty for the proxy. */
    public Map<String, String> mta() {
        return mta;
    }

    public void mta(Map<String, String> m) {
        this.mta = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m)); // in the order given, as the record writes it
    }

    /**
     * The reverse name without waiting: the answer once it has come (or been awaited), else null.
     * The decision record uses this; the policy uses {@link #policyClient}.
     */
    public String reverseName() {
        DnsAnswer a = ptr;
        if (a == null) {
            a = reverse.getNow(null);
        }
        return a != null && a.found() ? a.values().get(0) : null;
    }

    /**
     * The client as the policy sees it, with the answer of the reverse lookup (or a temporary
     * failure when it has not come within {@code wait}).
     */
    public Client policyClient(Duration wait) {
        DnsAnswer a = ptr;
        if (a == null) {
            a = DnsAnswer.awaitReverse(reverse, wait);
            ptr = a;
        }
        return new Client(address, a.found() ? a.values().get(0) : null, helo, tls != null, authUser,
                a.status() == DnsAnswer.Status.TEMPFAIL ? a.detail() : null, greeting, conduct());
    }

    /** How long a transaction waits for the reverse lookup started at connect: its own timeout, and a little. */
    public static Duration lookupWait(Duration dnsTimeout) {
        return dnsTimeout.plusMillis(500);
    }
}
