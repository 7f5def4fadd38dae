package net.portcullis.policy;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the gateway knows of the connected client when a stage runs. One immutable record per
 * stage event, never positional parameters that grow (Apache James' RcptHook lesson).
 *
 * @param reverseName the verified PTR name, or null when none (or not looked up)
 * @param helo        the last HELO/EHLO argument, or null before one
 * @param tls         whether STARTTLS completed
 * @param authUser    the SMTP AUTH identity, or null
 * @param ptrFailure  why the reverse lookup could not be made (timeout, SERVFAIL), or null when it
 *                    answered: "no name" and "could not look up" are never the same thing
 * @param greeting    what the greeting pause saw (talking before the banner)
 * @param conduct     how the client has kept to the protocol so far in the session
 */
public record Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser,
                     String ptrFailure, Greeting greeting, Conduct conduct) {
    public Client {
        Objects.requireNonNull(address, "address");
        greeting = greeting == null ? Greeting.OFF : greeting;
        conduct = conduct == null ? Conduct.CLEAN : conduct;
    }

    /**
     * What the client did on the wire that a real mail server does not (Postfix's postscreen
     * pipelining and bare-newline tests): sent commands ahead where RFC 2920 says to wait (after
     * EHLO or HELO, before the 354 of DATA, at all when PIPELINING was not offered), or ended
     * command lines with a bare LF.
     */
    public record Conduct(boolean pipelining, boolean bareNewline) {
        public static final Conduct CLEAN = new Conduct(false, false);
    }

    /** The same client as its conduct stands now: DATA-stage checks see what happened up to the end of data. */
    public Client withConduct(Conduct now) {
        return new Client(address, reverseName, helo, tls, authUser, ptrFailure, greeting, now);
    }

    /**
     * The greeting pause (postscreen's pregreet test): {@code outcome} is "waited" (the client was made
     * to wait), "remembered" (it passed lately), "exempt" (trusted or whitelisted) or "off"; and
     * how many bytes it sent before the banner.
     */
    public record Greeting(String outcome, long pregreetBytes) {
        public static final Greeting OFF = new Greeting("off", 0);
    }

    public Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser, String ptrFailure) {
        this(address, reverseName, helo, tls, authUser, ptrFailure, Greeting.OFF, Conduct.CLEAN);
    }

    /** A client whose reverse lookup answered (with a name, or with "none"). */
    public Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser) {
        this(address, reverseName, helo, tls, authUser, null);
    }

    public boolean authenticated() {
        return authUser != null;
    }
}
