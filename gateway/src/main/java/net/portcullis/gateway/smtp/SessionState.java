package net.portcullis.gateway.smtp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.rules.Verdict;

/** What the gateway keeps per client connection beyond what SubEthaSMTP's Session holds. */
final class SessionState {
    private final CompletableFuture<DnsAnswer> reverse;
    volatile boolean ehlo;
    /** Counted against limits.connections_per_client/_network (untrusted clients only). */
    volatile boolean capped;
    /** The extensions our last EHLO reply offered; empty after HELO (no parameters allowed then). */
    volatile Set<String> advertised = Set.of();
    /** Refused or invalid commands so far (limits.errors). */
    int errors;
    /** NOOP, RSET, VRFY, HELP so far (limits.junk_commands). */
    int junk;
    /**
     * A refusal decided on the client itself (connect or HELO stage): it stays for the rest of
     * the session, so sending another HELO does not get a refused client through.
     */
    volatile Verdict sessionRefusal;
    /** What the greeting pause saw before our banner. */
    volatile net.portcullis.policy.Client.Greeting greeting = net.portcullis.policy.Client.Greeting.OFF;

    /** The client sent commands ahead where it must wait for our reply (RFC 2920). */
    volatile boolean pipelining;
    /** The client's stream as commands are read from it; null when the socket is not ours. */
    volatile CommandStream wire;

    private DataReader dataReader;

    /** The session's DATA reader: its buffers serve every message of the session. */
    DataReader dataReader(long maxSize, int maxLine) {
        if (dataReader == null || !dataReader.limits(maxSize, maxLine)) {
            dataReader = new DataReader(maxSize, maxLine);
        }
        return dataReader;
    }

    SessionState(CompletableFuture<DnsAnswer> reverse) {
        this.reverse = reverse;
    }

    /** How the client has kept to the protocol so far. */
    net.portcullis.policy.Client.Conduct conduct() {
        CommandStream w = wire;
        return new net.portcullis.policy.Client.Conduct(pipelining, w != null && w.bareNewlines() > 0);
    }

    /** The PTR answer, or a temporary failure when it has not come within the wait. */
    DnsAnswer reverse(Duration wait) {
        return DnsAnswer.awaitReverse(reverse, wait);
    }
}
