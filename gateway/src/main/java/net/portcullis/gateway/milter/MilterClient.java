package net.portcullis.gateway.milter;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import net.portcullis.gateway.smtp.GatewayContext;
import net.portcullis.policy.Client;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Verdict;

/**
 * The SMTP client the MTA is talking to, as the milter callbacks describe it: its address from
 * the connect packet, HELO, TLS and AUTH from the MTA's macros. Our own reverse lookup (started
 * at connect) decides its name, as in the proxy, so both shapes see the same signals.
 */
final class MilterClient {
    private final InetAddress address;
    private final CompletableFuture<DnsAnswer> reverse;
    private String helo;
    private String tls;
    private String authUser;
    private Verdict sessionRefusal;
    private DnsAnswer ptr;
    private java.util.Map<String, String> mta = java.util.Map.of();

    MilterClient(InetAddress address, CompletableFuture<DnsAnswer> reverse) {
        this.address = address;
        this.reverse = reverse;
    }

    InetAddress address() {
        return address;
    }

    /** Which MTA asked, from its connect macros, for the decision record (absent values left out). */
    void mta(String host, String daemon, String iface) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        if (host != null) {
            m.put("host", host);
        }
        if (daemon != null) {
            m.put("daemon", daemon);
        }
        if (iface != null) {
            m.put("interface", iface);
        }
        this.mta = java.util.Collections.unmodifiableMap(m);
    }

    java.util.Map<String, String> mta() {
        return mta;
    }

    String helo() {
        return helo;
    }

    void helo(String name) {
        this.helo = name;
    }

    /** The TLS version the MTA's {tls_version} macro names, or null for plain text. */
    String tls() {
        return tls;
    }

    void tls(String version) {
        this.tls = version == null || version.isBlank() ? null : version;
    }

    String authUser() {
        return authUser;
    }

    void authUser(String user) {
        this.authUser = user == null || user.isBlank() ? null : user;
    }

    Verdict sessionRefusal() {
        return sessionRefusal;
    }

    void refuseSession(Verdict v) {
        this.sessionRefusal = v;
    }

    /** The reverse name, or null (before the policy asked for it, or none). */
    String reverseName() {
        DnsAnswer a = ptr;
        return a != null && a.found() ? a.values().get(0) : null;
    }

    /** The client as the policy sees it, with the answer of the reverse lookup. */
    Client policyClient(GatewayContext ctx) {
        if (ptr == null) {
            ptr = DnsAnswer.awaitReverse(reverse, net.portcullis.gateway.smtp.ConnectionGate.lookupWait(ctx.config().dns().timeout()));
        }
        return new Client(address, reverseName(), helo, tls != null, authUser,
                ptr.status() == DnsAnswer.Status.TEMPFAIL ? ptr.detail() : null);
    }
}
