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
 */
public record Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser,
                     String ptrFailure, Greeting greeting) {
    public Client {
        Objects.requireNonNull(address, "address");
        greeting = greeting == null ? Greeting.OFF : greeting;
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
        this(address, reverseName, helo, tls, authUser, ptrFailure, Greeting.OFF);
    }

    /** A client whose reverse lookup answered (with a name, or with "none"). */
    public Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser) {
        this(address, reverseName, helo, tls, authUser, null);
    }

    public boolean authenticated() {
        return authUser != null;
    }
}
