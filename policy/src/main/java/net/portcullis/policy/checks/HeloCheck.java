package net.portcullis.policy.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/** The name the client gave in HELO/EHLO, as given. */
public final class HeloCheck implements Check {
    @Override
    public String name() {
        return "helo";
    }

    @Override
    public Stage stage() {
        return Stage.HELO;
    }

    @Override
    public List<SignalSpec> produces() {
        return List.of(new SignalSpec("helo.name", Type.STRING, Stage.HELO, "the HELO/EHLO argument as sent", "mail.example.com"));
    }

    @Override
    public List<Signal> run(Event e) {
        String helo = e.client().helo();
        return helo == null ? List.of() : List.of(Signal.of("helo.name", helo, "HELO/EHLO argument"));
    }
}
