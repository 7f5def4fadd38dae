package net.portcullis.policy;

import java.util.List;
import net.portcullis.rules.Stage;

/**
 * What a check sees: the client, the envelope so far and, at the data stage, the message.
 *
 * @param sender    MAIL FROM ("" for the null sender), null before MAIL
 * @param recipient the recipient being decided, null outside relay/rcpt
 * @param message   null before the data stage
 */
public record Event(Stage stage, Client client, String sender, MailAddress recipient, MessageFacts message,
                    SignalMap earlier, List<String> recipients) {
    public Event(Stage stage, Client client, String sender, MailAddress recipient, MessageFacts message) {
        this(stage, client, sender, recipient, message, new SignalMap(null), List.of());
    }

    public Event(Stage stage, Client client, String sender, MailAddress recipient, MessageFacts message, SignalMap earlier) {
        this(stage, client, sender, recipient, message, earlier, List.of());
    }

    /** A stage before MAIL (connect, HELO) or MAIL itself: the client and, from MAIL on, the sender. */
    public static Event envelope(Stage stage, Client client, String sender, SignalMap earlier) {
        return new Event(stage, client, sender, null, null, earlier, List.of());
    }

    /** The relay or RCPT stage of one recipient. */
    public static Event recipient(Stage stage, Client client, String sender, MailAddress recipient, SignalMap earlier) {
        return new Event(stage, client, sender, recipient, null, earlier, List.of());
    }

    /** The data stage: the message, for the recipients accepted. */
    public static Event data(Client client, String sender, MessageFacts message, SignalMap earlier, List<String> recipients) {
        return new Event(Stage.DATA, client, sender, null, message, earlier, recipients);
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
