package net.portcullis.gateway.downstream;

import java.io.IOException;
import net.portcullis.rules.Reply;

/**
 * The protected server could not be reached, did not answer in time, or dropped the
 * connection. Always a temporary failure for our client: it retries, nothing is lost.
 */
public final class DownstreamException extends IOException {
    /** What the client hears when no mail server of the route will take a session. */
    public static final Reply UNAVAILABLE = new Reply(451, "4.4.1", "Mail server temporarily unavailable, try again later");

    private final Reply reply;
    private final boolean unavailable;

    DownstreamException(Reply reply, String detail, Throwable cause, boolean unavailable) {
        super(detail, cause);
        this.reply = reply;
        this.unavailable = unavailable;
    }

    /** The server could not be reached or would not start a session: another server of its route may. */
    static DownstreamException unavailable(String detail, Throwable cause) {
        return new DownstreamException(UNAVAILABLE, detail, cause, true);
    }

    /** The server answers but refused what the session needs (XCLIENT): not a reason to pass it over. */
    static DownstreamException refused(String detail) {
        return new DownstreamException(UNAVAILABLE, detail, null, false);
    }

    static DownstreamException broken(String detail, Throwable cause) {
        return new DownstreamException(new Reply(451, "4.4.2", "Connection to the mail server lost, try again later"),
                detail, cause, false);
    }

    /** Whether the server was unreachable (connect, greeting, EHLO), as opposed to lost mid-session. */
    public boolean unavailable() {
        return unavailable;
    }

    /** The session was lost earlier in the transaction: later commands of it fail the same way. */
    public static DownstreamException lost(String detail) {
        return broken(detail, null);
    }

    public Reply reply() {
        return reply;
    }
}
