package net.portcullis.policy.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * How the client kept to the protocol (Postfix's postscreen pipelining and bare-newline tests):
 * the gateway watches the wire, this check reports it. It runs at DATA, the first stage that sees
 * the whole transaction: a bot that sends its message before our 354 is caught in that very
 * transaction. What the gateway saw is certain, never a guess from timing: the bytes were in
 * our buffer before we answered the command they followed.
 */
public final class ProtocolCheck implements Check {
    private static final Spec SPEC = Spec.inline("protocol", Stage.DATA, List.of(
                new SignalSpec("client.pipelining", Type.BOOL, Stage.DATA, "the client sent commands before our reply where RFC 2920 "
                        + "forbids it: after EHLO, HELO or STARTTLS, before the 354 of DATA, or at all when PIPELINING was not offered",
                        "false"),
                new SignalSpec("client.bare_newline", Type.BOOL, Stage.DATA, "the client ended a command line with a bare LF "
                        + "instead of CRLF (accepted as CRLF, counted here; a bare LF in the message is refused outright)", "false")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        Client.Conduct c = e.client().conduct();
        return List.of(
                Signal.of("client.pipelining", c.pipelining(), c.pipelining()
                        ? "commands sent before our reply where the client must wait" : "waited for each reply where required"),
                Signal.of("client.bare_newline", c.bareNewline(), c.bareNewline()
                        ? "a command line ended with a bare LF" : "command lines ended with CRLF"));
    }
}
