package net.portcullis.policy;

import net.portcullis.rules.Reply;

/**
 * The refusals the SMTP command layer gives before any rule runs: a HELO/EHLO argument that is no
 * single word, a sender path that is not an RFC 5321 Path. One place for the proxy, the milter and
 * {@code rules test}, so that the tool gives the reply live traffic gets.
 */
public final class EnvelopeSyntax {
    private EnvelopeSyntax() {
    }

    /** A refusal with what the decision log records for it. */
    public record Refusal(Reply reply, String decidedBy, String reason) { }

    /** HELO or EHLO's argument; null when it is one word (whether that word is a good name is the rules' to say). */
    public static Refusal greeting(String verb, String name) {
        if (name.isEmpty() || name.contains(" ")) {
            return new Refusal(new Reply(501, "5.5.4", "Syntax: " + verb + " hostname"), "helo.syntax",
                    name.isEmpty() ? verb + " without a host name" : verb + " argument has a space");
        }
        return null;
    }

    /** MAIL FROM's path (without angle brackets; "" for the null sender); null when it is a valid Path. */
    public static Refusal sender(String path, boolean smtputf8) {
        if (path.isEmpty()) {
            return null;
        }
        try {
            MailAddress a = MailAddress.parse(path);
            if (a.hasUtf8() && !smtputf8) {
                return new Refusal(new Reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"), "mail.syntax",
                        "UTF-8 sender without SMTPUTF8");
            }
            return null;
        } catch (MailAddress.InvalidAddress e) {
            return new Refusal(Reply.sanitized(501, "5.1.7", "Bad sender address syntax: " + e.problem().reason()), "mail.syntax",
                    e.problem().reason());
        }
    }
}
