package net.portcullis.gateway.session;

import net.portcullis.rules.Reply;

/**
 * How much of a message's header block the checks read, in both shapes. A larger header is
 * refused: the checks would judge a cut header, and a forged Authentication-Results past the cut
 * would pass. 256 KB is also Exchange's MaxHeaderSize.
 */
public final class HeaderLimit {
    public static final int BYTES = 256 * 1024;
    public static final Reply TOO_LARGE = new Reply(552, "5.3.4", "Message header exceeds fixed maximum size of 256 KB");

    private HeaderLimit() {
    }
}
