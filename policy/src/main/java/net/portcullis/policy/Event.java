package net.portcullis.policy;

import net.portcullis.rules.Stage;

/**
 * What a check sees: the client, the envelope so far and, at the data stage, the message.
 *
 * @param sender    MAIL FROM ("" for the null sender), null before MAIL
 * @param recipient the recipient being decided, null outside relay/rcpt
 * @param message   null before the data stage
 */
public record Event(Stage stage, Client client, String sender, MailAddress recipient, MessageFacts message,
                    SignalMap earlier) {
    public Event(Stage stage, Client client, String sender, MailAddress recipient, MessageFacts message) {
        this(stage, client, sender, recipient, message, new SignalMap(null));
    }

    /** A signal of an earlier stage (the SPF result, at the data stage), or null. */
    public Object earlier(String name) {
        try {
            return earlier.value(name);
        } catch (net.portcullis.rules.Signals.Unavailable e) {
            return null;
        }
    }
}
