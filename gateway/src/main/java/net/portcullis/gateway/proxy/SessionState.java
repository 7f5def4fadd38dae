package net.portcullis.gateway.proxy;

import java.util.Set;
import net.portcullis.gateway.session.MailSession;

/** What the proxy keeps per client connection beyond what SubEthaSMTP's Session holds: the {@link MailSession} and the command layer's counts. */
final class SessionState {
    /** The connection as both shapes know it (reverse lookup, HELO, refusal of the client, greeting). */
    final MailSession mail;
    volatile boolean ehlo;
    /** Counted against limits.connections_per_client/_network (untrusted clients only). */
    volatile boolean capped;
    /** The extensions our last EHLO reply offered; empty after HELO (no parameters allowed then). */
    volatile Set<String> advertised = Set.of();
    /** Refused or invalid commands so far (limits.errors). */
    int errors;
    /** NOOP, RSET, VRFY, HELP so far (limits.junk_commands). */
    int junk;
    /** The client sent commands ahead where it must wait for our reply (RFC 2920). */
    volatile boolean pipelining;
    /** The client's stream as commands are read from it; null when the socket is not ours. */
    volatile CommandStream wire;

    private DataReader dataReader;

    SessionState(MailSession mail) {
        this.mail = mail;
        mail.conduct(this::conduct);
    }

    /** The session's DATA reader: its buffers serve every message of the session. */
    DataReader dataReader(long maxSize, int maxLine) {
        if (dataReader == null || !dataReader.limits(maxSize, maxLine)) {
            dataReader = new DataReader(maxSize, maxLine);
        }
        return dataReader;
    }

    /** How the client has kept to the protocol so far. */
    net.portcullis.policy.Client.Conduct conduct() {
        CommandStream w = wire;
        return new net.portcullis.policy.Client.Conduct(pipelining, w != null && w.bareNewlines() > 0);
    }
}
