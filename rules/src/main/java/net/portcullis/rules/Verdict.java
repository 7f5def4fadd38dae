package net.portcullis.rules;

import java.util.Objects;

/**
 * What a stage decided, and who decided it. {@code CONTINUE} means no terminal decision: the
 * transaction goes on to the next stage.
 */
public record Verdict(Kind kind, Reply reply, String decidedBy, String reason) {

    /** HOLD: the message is kept for review, not relayed; the client hears 250 once it is stored. */
    public enum Kind { CONTINUE, ACCEPT, REJECT, TEMPFAIL, HOLD }

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REJECT || kind == Kind.TEMPFAIL) && reply == null) {
            throw new IllegalArgumentException(kind + " needs a reply");
        }
        if (kind == Kind.REJECT && !reply.permanent()) {
            throw new IllegalArgumentException("reject needs a 5xx reply, got " + reply.code());
        }
        if (kind == Kind.TEMPFAIL && reply.permanent()) {
            throw new IllegalArgumentException("tempfail needs a 4xx reply, got " + reply.code());
        }
    }

    public static Verdict proceed() {
        return new Verdict(Kind.CONTINUE, null, null, null);
    }

    public static Verdict accept(String decidedBy, String reason) {
        return new Verdict(Kind.ACCEPT, null, decidedBy, reason);
    }

    public static Verdict hold(String decidedBy, String reason) {
        return new Verdict(Kind.HOLD, null, decidedBy, reason);
    }

    public static Verdict refuse(Reply reply, String decidedBy, String reason) {
        return new Verdict(reply.permanent() ? Kind.REJECT : Kind.TEMPFAIL, reply, decidedBy, reason);
    }

    public boolean refused() {
        return kind == Kind.REJECT || kind == Kind.TEMPFAIL;
    }

    /** soft_bounce: every permanent refusal becomes temporary while a rollout is watched. */
    public Verdict softBounced() {
        return kind == Kind.REJECT ? refuse(reply.softened(), decidedBy, reason) : this;
    }
}
