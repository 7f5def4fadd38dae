package net.portcullis.gateway.session;

import java.net.InetAddress;
import java.util.List;

/**
 * What a check module may hear of the traffic, beside its signals: the stateful checks (rate
 * limits count, the greylist learns from delivered mail, the tarpit slows high scores) keep
 * their state through these, as rspamd's postfilters or Haraka's {@code queue_ok} hook do. Both
 * shapes call them through {@link MailTransaction}, so no check is wired into either shape.
 * An observer's fault is logged and does not change the transaction.
 */
public interface TransactionObserver {
    /** A client connected (every attempt, refused ones too). */
    default void onConnect(InetAddress client) {
    }

    /** MAIL FROM was given. */
    default void onMail(Party who) {
    }

    /** RCPT TO was given (before any decision on it). */
    default void onRecipient(Party who) {
    }

    /** A recipient was refused, by a rule or by the gateway. */
    default void onRefused(Party who) {
    }

    /**
     * A stage's rules added up to {@code score} (RCPT and DATA); the caller's thread waits while
     * this returns, which is what a tarpit wants.
     */
    default void onScored(long score) {
    }

    /** The message came in full ({@code octets} as received). */
    default void onData(Party who, long octets) {
    }

    /** The message was taken by the protected server (proxy) or accepted for the MTA to deliver (milter). */
    default void onDelivered(Party who, List<String> recipients, long octets) {
    }
}
