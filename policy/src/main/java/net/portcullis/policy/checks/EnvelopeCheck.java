package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/** The envelope sender (MAIL FROM). */
public final class EnvelopeCheck implements Check {
    private static final Spec SPEC = Spec.inline("envelope", Stage.MAIL, List.of(
                new SignalSpec("mail.from", Type.STRING, Stage.MAIL, "the envelope sender; \"\" for the null sender <>", "news@shop.example"),
                new SignalSpec("mail.from_domain", Type.STRING, Stage.MAIL, "the domain of the envelope sender; absent for <>", "shop.example"),
                new SignalSpec("mail.null_sender", Type.BOOL, Stage.MAIL, "MAIL FROM:<> (a bounce or an auto-reply)", "false"),
                new SignalSpec("mail.from_literal", Type.BOOL, Stage.MAIL,
                        "the envelope sender's domain is an address literal (user@[192.0.2.1]): valid syntax, no domain to check", "false")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        String from = e.sender() == null ? "" : e.sender();
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("mail.from", from, "MAIL FROM:<" + from + ">"));
        out.add(Signal.of("mail.null_sender", from.isEmpty(), from.isEmpty() ? "MAIL FROM:<>" : "MAIL FROM has an address"));
        int at = from.lastIndexOf('@');
        out.add(Signal.of("mail.from_literal", at >= 0 && from.startsWith("[", at + 1), "domain of MAIL FROM"));
        if (at >= 0) {
            out.add(Signal.of("mail.from_domain", from.substring(at + 1).toLowerCase(Locale.ROOT), "domain of MAIL FROM"));
        }
        return out;
    }
}
