package net.portcullis.gateway.session;

import java.util.List;
import net.portcullis.rules.Reply;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;

/**
 * What a {@link MailTransaction} step decided, for the shape to say in its own protocol:
 * go on, refused (the reply, our reference already in its text), taken (a spam report, with the
 * text of its 250), or — at the end of DATA — deliver or hold, with the headers to add:
 * our Authentication-Results (its resinfo; null when {@code checks.authserv_id} is off) and the
 * headers rules added.
 */
public record Step(Kind kind, Reply reply, String text, String authResults, List<StageResult.Tag> tags, Verdict verdict) {
    public enum Kind { GO, REFUSED, TAKEN, DELIVER, HOLD }

    public static final Step GO = new Step(Kind.GO, null, null, null, List.of(), null);

    public static Step refused(Reply reply) {
        return new Step(Kind.REFUSED, reply, null, null, List.of(), null);
    }

    static Step taken(String text) {
        return new Step(Kind.TAKEN, null, text, null, List.of(), null);
    }

    static Step deliver(String authResults, List<StageResult.Tag> tags, Verdict v) {
        return new Step(Kind.DELIVER, null, null, authResults, List.copyOf(tags), v);
    }

    static Step hold(String authResults, List<StageResult.Tag> tags, Verdict v) {
        return new Step(Kind.HOLD, null, null, authResults, List.copyOf(tags), v);
    }

    public boolean refused() {
        return kind == Kind.REFUSED;
    }
}
