package net.portcullis.gateway.session;

import java.net.InetAddress;

/**
 * Who a transaction event concerns: the client, the sender, the AUTH user and, for a recipient
 * event, the recipient (else null). Read from the session directly, so an observer never waits
 * for the reverse lookup.
 */
public record Party(InetAddress client, String sender, String authUser, String recipient) { }
