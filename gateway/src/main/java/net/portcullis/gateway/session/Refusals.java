package net.portcullis.gateway.session;

import net.portcullis.rules.Reply;

/**
 * The gateway's own refusal texts, for both shapes and the connection gate: one place to read
 * what a client may hear from us that no rule file wrote. Rules write their own replies.
 */
public final class Refusals {
    private Refusals() {
    }

    public static final Reply SHUTTING_DOWN = new Reply(421, "4.3.2", "Service shutting down, try again later");
    public static final Reply TOO_MANY_CONNECTIONS = new Reply(421, "4.7.0", "Too many connections from your address, try again later");
    public static final Reply TOO_MANY_FROM_NETWORK = new Reply(421, "4.7.0", "Too many connections from your network, try again later");
    public static final Reply TOO_MANY_RECIPIENTS = new Reply(452, "4.5.3", "Too many recipients");
    /** RFC 5321 4.5.3.1.10: clients send the recipients refused with 452 in a later transaction. */
    public static final Reply ANOTHER_ROUTE = new Reply(452, "4.5.3", "Too many recipients for one transaction: send this one in another");
    public static final Reply REPORTS_ALONE = new Reply(452, "4.5.3", "Send spam reports in a transaction of their own");
    public static final Reply NEEDS_SMTPUTF8 = new Reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");
    public static final Reply NO_DSN_DOWNSTREAM = new Reply(451, "4.3.3", "The mail server does not offer DSN at the moment, try again later");
    public static final Reply NO_SMTPUTF8_DOWNSTREAM = new Reply(451, "4.3.3",
            "The mail server does not offer SMTPUTF8 at the moment, try again later");
    public static final Reply MESSAGE_TOO_BIG = new Reply(552, "5.3.4", "Message size exceeds fixed limit");
    public static final Reply TOO_SLOW = new Reply(421, "4.4.2", "Message not received within the time allowed, closing connection");
    public static final Reply BARE_NEWLINE = new Reply(554, "5.5.2", "Message refused: bare CR or LF in data, lines must end with CRLF");
    public static final Reply NOT_STORED = new Reply(451, "4.3.0", "Message could not be stored, try again later");
    public static final Reply HELD_NO_QUARANTINE = new Reply(451, "4.7.0", "Message held for review, try again later");
    public static final Reply TOO_MANY_FORGED = new Reply(554, "5.7.1",
            "Message refused: too many Authentication-Results fields under our name");

    public static Reply tooBig(long max) {
        return new Reply(552, "5.3.4", "Message size exceeds fixed limit of " + max + " bytes");
    }

    public static Reply lineTooLong(int max) {
        return new Reply(554, "5.6.0", "Message has a line longer than " + max + " octets");
    }
}
