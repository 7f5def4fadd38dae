package net.portcullis.gateway.downstream;

import java.io.IOException;
import net.portcullis.rules.Reply;

/**
 * The protected server could not be reached, did not answer in time, or dropped the
 * connection. Always a temporary failure for our client: it retries, nothing is lost.
 */
public final class DownstreamException extends IOException {
    private final Reply reply;

    DownstreamException(Reply reply, String detail, Throwable cause) {
        super(detail, cause);
        this.reply = reply;
    }

    static DownstreamException unavailable(String detail, Throwable cause) {
        return new DownstreamException(new Reply(451, "4.4.1", "Mail server temporarily unavailable, try again later"),
                detail, cause);
    }

    static DownstreamException broken(String detail, Throwable cause) {
        return new DownstreamException(new Reply(451, "4.4.2", "Connection to the mail server lost, try again later"),
                detail, cause);
    }

    /** The session was lost earlier in the transaction: later commands of it fail the same way. */
    public static DownstreamException lost(String detail) {
        return broken(detail, null);
    }

    public Reply reply() {
        return reply;
    }
}
