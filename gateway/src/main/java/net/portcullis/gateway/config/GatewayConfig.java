package net.portcullis.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.portcullis.rules.Networks;

/**
 * The whole of gateway.yaml, validated. Every key and its default is documented in
 * conf/gateway.yaml; {@link net.portcullis.gateway.app.ConfigLoader} is the only place that reads the file. The sections
 * that checks own ({@code checkSections}, by top-level key) are parsed by their modules
 * (gateway.checks.CheckRegistry).
 */
public record GatewayConfig(
        List<Listener> listeners,
        String hostname,
        List<HostPort> downstreams,
        Set<String> domains,
        Networks trustedNetworks,
        Limits limits,
        DownstreamOptions downstreamOptions,
        Tls tls,
        Path usersFile,
        Spool spool,
        DnsOptions dns,
        Path varDir,
        Duration shutdownGrace,
        Rules rules,
        boolean softBounce,
        HostPort adminListen,
        Checks checks,
        Store store,
        Reports reports,
        Consent consent,
        Log log,
        Review review,
        Hold hold,
        java.util.Map<String, Object> checkSections,
        Redis redis,
        java.util.Map<String, List<HostPort>> routes,
        Milter milter) {

    /** The first server of the default route: the protected server of a single-host setup. */
    public HostPort downstream() {
        return downstreams.get(0);
    }

    /**
     * The milter server ({@code milter:}), for an MTA that stays on port 25 and asks us about each
     * message. Off when {@code listen} is null.
     *
     * @param inet    the TCP address, or null
     * @param unix    the Unix socket's path, or null (exactly one of the two when on)
     * @param timeout how long an MTA connection may stay silent (Postfix's milter_*_timeout are shorter)
     * @param maxPacket the largest packet an MTA may send (libmilter's default is 64 KB; Postfix sends body chunks of 64 KB)
     */
    public record Milter(String listen, HostPort inet, Path unix, Duration timeout, int maxPacket) {
        public static final Milter OFF = new Milter(null, null, null, Duration.ofMinutes(10), 1 << 20);

        public boolean on() {
            return listen != null;
        }
    }

    /**
     * One address the gateway takes SMTP on.
     *
     * @param proxyFrom the load balancers whose PROXY protocol header (v1 or v2) is believed; every
     *                  other peer is refused on this listener. Null: no PROXY protocol, clients
     *                  connect directly.
     */
    public record Listener(HostPort address, Networks proxyFrom) {
        public boolean proxy() {
            return proxyFrom != null;
        }

        @Override
        public String toString() {
            return address + (proxy() ? " (PROXY protocol from " + proxyFrom.ranges() + ")" : "");
        }
    }

    /**
     * The same configuration with the SMTP listeners closed: {@code portcullis milter}.
     *
     * @throws ConfigException when milter.listen is off (there would be nothing to serve)
     */
    public GatewayConfig milterOnly() throws ConfigException {
        if (!milter.on()) {
            throw ConfigException.of("milter.listen", "off", "must be set for portcullis milter, e.g. inet:127.0.0.1:11332 "
                    + "or unix:/run/portcullis/milter.sock");
        }
        return new GatewayConfig(List.of(), hostname, downstreams, domains, trustedNetworks, limits, downstreamOptions, tls, usersFile,
                spool, dns, varDir, shutdownGrace, rules, softBounce, adminListen, checks, store, reports, consent, log,
                review, hold, checkSections, redis, routes, milter);
    }

    /** The first listener's address: where a single-host gateway takes mail, and what tools connect to; null when {@code listen: off}. */
    public HostPort listen() {
        return listeners.isEmpty() ? null : listeners.get(0).address();
    }

    /**
     * @param url      redis://host:port (null: off — state in this process's memory)
     * @param prefix   of every key: one per fleet
     * @param timeout  the deadline of each command
     * @param failOpen whether a level Redis cannot give reads as 0 (mail flows) or fails the rules reading it (451)
     */
    public record Redis(String url, String prefix, Duration timeout, boolean failOpen) { }

    /**
     * @param directory where held messages are kept, encrypted
     * @param keyFile   the AES-256 key (base64), generated there when missing
     * @param retention how long a held message waits for review before it is deleted
     */
    public record Hold(Path directory, Path keyFile, Duration retention, Digest digest) { }

    /**
     * @param every      how often recipients with newly held mail get a digest (null: never)
     * @param reportUrl  the digest's signed "spam" / "not spam" links ({token}), or null: none
     * @param unsubscribeUrl the digest's one-click unsubscribe links ({token}), or null: none
     * @param unsubscribeInsecure allow the sender's one-click URI over http or at a private address (tests only)
     * @param releaseUrl the one-click release link in a digest ({token} is replaced), served by
     *                   review.public_listen at /release/TOKEN
     * @param from       the digest's sender
     */
    public record Digest(Duration every, String releaseUrl, String from, String reportUrl, String unsubscribeUrl,
                         boolean unsubscribeInsecure) { }

    /**
     * @param refUrl       appended to every refusal after its [ref …]: a page where the sender reads
     *                     why ({ref} is replaced); null for none
     * @param publicListen serves that page, {@code /ref/REF}, without login (null: off)
     * @param accounts     the review page's accounts (name:role:hash lines), which turn the page
     *                     on at /review/ on the admin listener (null: off)
     * @param behindTls    the admin listener is reached through a TLS proxy: session cookies are
     *                     marked Secure (required when it listens beyond loopback)
     * @param sessionIdle  a review session ends after this long without a request
     */
    public record Review(String refUrl, HostPort publicListen, Path accounts, boolean behindTls, Duration sessionIdle) { }

    /**
     * @param store     also write every decision to the store, for {@code portcullis log}
     * @param retention how long stored decisions are kept
     * @param queue     decisions waiting for the store at most; past it they are counted, not stored
     */
    /** @param pseudonymKey the key file of log.pseudonymise, or null when addresses are written as they are */
    public record Log(boolean store, Duration retention, int queue, Path pseudonymKey) { }

    /**
     * @param refresh  how long a consent answer may be served from memory: the bound on how late
     *                 a revocation takes effect across a fleet
     * @param apiListen the consent HTTP API (null: off); it needs {@code apiToken}
     */
    public record Consent(Duration refresh, HostPort apiListen, String apiToken, Duration retention) { }

    /**
     * @param address mail to this address is taken in as a spam report (null: none)
     * @param weights how many reporters one report counts for, by reporter address or domain
     * @param linkReporters distinct reporters whose reported messages link to a domain before it is listed as a link domain (0: never)
     * @param linkTtl       how long such a listing lasts
     * @param apiListen     where POST /v1/report takes reports from mail stores (IMAP Junk moves), or null when off
     * @param apiTokens     the bearer token of each caller, by name (a token per mail store host)
     */
    public record Reports(String address, int reporters, Duration window, Duration listingTtl,
                          java.util.Map<String, Integer> weights, int linkReporters, Duration linkTtl, HostPort apiListen,
                          java.util.Map<String, String> apiTokens, int reporterCap, Outgoing outgoing, Dmarc dmarc,
                          Integer listingReputation) { }

    /**
     * DMARC aggregate reports to the domains that ask for them (reports.dmarc): sent by the
     * gateway every {@code every} for the last whole UTC day when enabled; `portcullis dmarc
     * report` builds them whatever enabled says.
     */
    public record Dmarc(boolean enabled, String orgName, String from, Duration every) { }

    /**
     * Reports back to the networks spam came from (reports.outgoing; off: null).
     *
     * @param rdap            RDAP base URLs asked in order for an address's abuse contact
     * @param contactZone     a DNS contact zone (TXT at reversed-address.zone), or null
     * @param afterReporters  also report a source this many distinct reporters complained of, listed or not (0: only listings)
     * @param optOut          networks we never report to (ours, partners, those that asked)
     */
    public record Outgoing(String from, String contactZone, java.util.List<java.net.URI> rdap, boolean ptrFallback,
                           net.portcullis.rules.Networks optOut, int perContactDaily, int maxDaily, Duration every, int afterReporters) { }

    /** Where lists, reports and consent live: jdbc:sqlite:FILE (default) or jdbc:postgresql://… */
    public record Store(String url, String user, String password, String schema, Duration refresh, Retention retention) { }

    /** How long the store keeps what has no retention of its own (store.retention); enforced hourly. */
    public record Retention(Duration reports, Duration reviewActions, Duration reportsOut, Duration reputation) { }

    /**
     * @param authservId the authserv-id of our Authentication-Results header; null when off
     */
    public record Checks(String authservId) { }

    /** The names our Received fields carry after "by": how a spam report's source is found. */
    public java.util.Set<String> ourHosts() {
        java.util.Set<String> hosts = new java.util.HashSet<>();
        hosts.add(hostname);
        if (checks.authservId() != null) {
            hosts.add(checks.authservId());
        }
        return java.util.Set.copyOf(hosts);
    }

    /** Where the policy lives, and how long a check may take before its signals count as unavailable. */
    public record Rules(Path directory, Path local, Path lists, Duration checkDeadline) { }

    /**
     * @param errors       refused or invalid commands in one session before 421 and close
     *                     (Postfix's smtpd_hard_error_limit)
     * @param junkCommands NOOP, RSET, VRFY, HELP in one session past which each counts as an
     *                     error (Postfix's smtpd_junk_command_limit)
     * @param dataDeadline the whole DATA phase, however slowly the client trickles it in
     */
    public record Limits(long messageSize, int recipients, int lineLength, Duration idleTimeout,
                         int connections, int connectionsPerClient, int connectionsPerNetwork, int errors, int junkCommands,
                         Duration dataDeadline) { }

    /**
     * @param xclient  tell the server who each client is with XCLIENT (Postfix), when it offers it
     * @param markDown how long a server that did not answer is passed over for the next of its route
     */
    public record DownstreamOptions(Duration connectTimeout, Duration timeout, Duration dataTimeout,
                                    boolean starttls, boolean reuse, int maxIdle, Duration idleTime, boolean xclient,
                                    Duration markDown) { }

    /** keystore null: a self-signed certificate is generated under var/tls. */
    public record Tls(boolean enabled, Path keystore, String password) { }

    public record Spool(Path directory, int memoryThreshold) { }

    public record DnsOptions(List<InetSocketAddress> servers, Duration timeout) { }
}
