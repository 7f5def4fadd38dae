package net.portcullis.policy.checks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.content.Rspamd;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * A content engine's verdict as evidence: where an operator already runs rspamd, each message is
 * checked there and its score, action and symbols become signals — the rule files decide. When
 * rspamd does not answer, {@code rspamd.unavailable} is true and its other signals are
 * unavailable; off while no server is configured.
 */
public final class RspamdCheck implements Check {
    /** @param rspamd null: off ({@code rspamd.servers} is empty) */
    public record Settings(Rspamd rspamd) { }

    private static final Spec SPEC = Spec.io("rspamd", Stage.DATA, List.of(
            new SignalSpec("rspamd.scanned", Type.BOOL, Stage.DATA, "rspamd checked the message (false while rspamd.servers is empty "
                    + "or when it did not answer)", "true"),
            new SignalSpec("rspamd.unavailable", Type.BOOL, Stage.DATA, "no rspamd server answered within rspamd.timeout", "false"),
            new SignalSpec("rspamd.score", Type.NUMBER, Stage.DATA, "rspamd's score, rounded to a whole number (the exact one is in "
                    + "the evidence)", "6"),
            new SignalSpec("rspamd.required", Type.NUMBER, Stage.DATA, "the score rspamd's reject action needs, rounded", "15"),
            new SignalSpec("rspamd.action", Type.STRING, Stage.DATA, "rspamd's action: no action, greylist, add header, rewrite "
                    + "subject, soft reject or reject", "add header"),
            new SignalSpec("rspamd.symbols", Type.STRING, Stage.DATA, "the symbols that matched, space-separated", "GTUBE"),
            new SignalSpec("rspamd.symbol.*", Type.BOOL, Stage.DATA, "rspamd.symbol.NAME: true when rspamd's symbol NAME matched "
                    + "(absent, so false, when it did not)", "true")));

    private final Settings settings;

    public RspamdCheck(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) throws InterruptedException {
        if (settings.rspamd() == null) {
            return List.of(Signal.of("rspamd.scanned", false, "rspamd.servers is empty"),
                    Signal.of("rspamd.unavailable", false, "rspamd.servers is empty"));
        }
        Rspamd.Envelope env = new Rspamd.Envelope(e.client().address().getHostAddress(), e.client().helo(), e.client().reverseName(),
                e.sender(), e.recipients(), e.client().authUser());
        Rspamd.Verdict v;
        try {
            v = settings.rspamd().check(env, e.message()::open);
        } catch (IOException ex) {
            String why = "rspamd unavailable: " + ex.getMessage();
            List<Signal> out = new ArrayList<>(List.of(Signal.of("rspamd.scanned", false, why), Signal.of("rspamd.unavailable", true, why)));
            for (SignalSpec s : SPEC.produces()) {
                if (!s.name().equals("rspamd.scanned") && !s.name().equals("rspamd.unavailable")) {
                    out.add(Signal.unavailable(s.name(), why, false));
                }
            }
            return out;
        }
        String evidence = v.server() + ": score " + v.score() + " of " + v.required() + ", action " + v.action() + ", symbols " + v.symbols();
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("rspamd.scanned", true, evidence));
        out.add(Signal.of("rspamd.unavailable", false, evidence));
        out.add(new Signal("rspamd.score", Math.round(v.score()), evidence));
        out.add(new Signal("rspamd.required", Math.round(v.required()), evidence));
        out.add(Signal.of("rspamd.action", v.action(), evidence));
        out.add(Signal.of("rspamd.symbols", String.join(" ", v.symbols()), evidence));
        for (String sym : v.symbols()) {
            if (sym.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
                out.add(Signal.of("rspamd.symbol." + sym, true, evidence));
            }
        }
        return out;
    }
}
