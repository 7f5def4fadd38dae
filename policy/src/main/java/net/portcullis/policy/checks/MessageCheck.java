package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/** Plain facts of the message: size, Message-ID, the From header. */
public final class MessageCheck implements Check {
    private static final Spec SPEC = Spec.inline("message", Stage.DATA, List.of(
                new SignalSpec("message.size", Type.NUMBER, Stage.DATA, "size of the message in octets, as received", "5120"),
                new SignalSpec("message.id", Type.STRING, Stage.DATA, "the Message-ID header; absent when missing", "<abc@example.com>"),
                new SignalSpec("header.from", Type.STRING, Stage.DATA, "the From header as written (first one)", "Shop <news@shop.example>")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        List<Signal> out = new ArrayList<>();
        out.add(new Signal("message.size", e.message().size(), "octets received"));
        String id = e.message().first("Message-ID");
        if (id != null) {
            out.add(Signal.of("message.id", id, "Message-ID header"));
        }
        String from = e.message().first("From");
        if (from != null) {
            out.add(Signal.of("header.from", from, "From header"));
        }
        return out;
    }
}
