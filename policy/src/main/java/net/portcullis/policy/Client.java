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
 */
public record Client(InetAddress address, String reverseName, String helo, boolean tls, String authUser) {
    public Client {
        Objects.requireNonNull(address, "address");
    }

    public boolean authenticated() {
        return authUser != null;
    }
}
