package net.portcullis.gateway.review;

/** A page to send, or a redirect (POST, then GET: a reload does not repeat an action). */
record Reply(int code, String html, String location) {
    Reply(int code, String html) {
        this(code, html, null);
    }

    static Reply redirect(String to) {
        return new Reply(303, null, to);
    }
}
