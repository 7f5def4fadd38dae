package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.av.Clamd;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Malware: each message, header and body, streamed to clamd (Haraka's clamd, rspamd's
 * antivirus, Proxmox Mail Gateway), which unpacks MIME, archives and forwarded messages itself.
 * clamd's faults are a signal of their own, {@code av.unavailable}, so that the rules decide
 * between 451 and letting mail through unscanned; what was not scanned is never "clean":
 * {@code av.infected} is then unavailable, and a rule reading it without first asking
 * {@code av.unavailable} or {@code av.too_big} fails temporarily.
 */
public final class AntivirusCheck implements Check {
    /** @param clamd null: scanning is off ({@code antivirus.servers} is empty) */
    public record Settings(Clamd clamd, long maxSize) { }

    private static final Spec SPEC = Spec.io("antivirus", Stage.DATA, List.of(
            new SignalSpec("av.scanned", Type.BOOL, Stage.DATA, "clamd scanned the message (false when antivirus.servers is empty)",
                    "true"),
            new SignalSpec("av.infected", Type.BOOL, Stage.DATA, "clamd found malware; unavailable when the message was not scanned "
                    + "(clamd unavailable, or the message too big)", "false"),
            new SignalSpec("av.name", Type.STRING, Stage.DATA, "what clamd found; absent when clean", "Eicar-Test-Signature"),
            new SignalSpec("av.unavailable", Type.BOOL, Stage.DATA, "no clamd server answered within antivirus.timeout", "false"),
            new SignalSpec("av.too_big", Type.BOOL, Stage.DATA, "the message is over antivirus.max_size or clamd's StreamMaxLength: "
                    + "not scanned", "false")));

    private final Settings settings;

    public AntivirusCheck(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) throws InterruptedException {
        List<Signal> out = new ArrayList<>();
        if (settings.clamd() == null) {
            String off = "not scanned: antivirus.servers is empty";
            out.add(Signal.of("av.scanned", false, off));
            out.add(Signal.of("av.infected", false, off));
            out.add(Signal.of("av.unavailable", false, off));
            out.add(Signal.of("av.too_big", false, off));
            return out;
        }
        if (e.message().size() > settings.maxSize()) {
            return notScanned(false, e.message().size() + " bytes, over antivirus.max_size (" + settings.maxSize() + "): not scanned");
        }
        Clamd.Result r = settings.clamd().scan(e.message()::open);
        return switch (r.verdict()) {
            case UNAVAILABLE -> notScanned(true, "clamd unavailable: " + r.detail());
            case TOO_BIG -> notScanned(false, r.server() + " answered '" + r.detail() + "' (its StreamMaxLength): not scanned");
            case CLEAN, INFECTED -> {
                boolean infected = r.verdict() == Clamd.Verdict.INFECTED;
                String evidence = r.server() + " answered '" + r.detail() + "'";
                out.add(Signal.of("av.scanned", true, evidence));
                out.add(Signal.of("av.infected", infected, evidence));
                out.add(Signal.of("av.unavailable", false, evidence));
                out.add(Signal.of("av.too_big", false, evidence));
                if (infected) {
                    out.add(Signal.of("av.name", r.name(), evidence));
                }
                yield out;
            }
        };
    }

    private static List<Signal> notScanned(boolean unavailable, String why) {
        return List.of(Signal.of("av.scanned", false, why), Signal.unavailable("av.infected", why, false),
                Signal.unavailable("av.name", why, false), Signal.of("av.unavailable", unavailable, why), Signal.of("av.too_big", !unavailable, why));
    }
}
