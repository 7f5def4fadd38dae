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
 * What the greeting pause saw (gateway.yaml: greeting): a client that talks before the banner
 * is a bot that does not wait for the server, as Postfix's postscreen tests. The gateway makes
 * the pause; this check only reports it.
 */
public final class GreetingCheck implements Check {
    private static final Spec SPEC = Spec.inline("greeting", Stage.CONNECT, List.of(
                new SignalSpec("client.pregreet", Type.BOOL, Stage.CONNECT, "the client sent data before our banner (greeting.pause)",
                        "false"),
                new SignalSpec("client.greet_wait", Type.STRING, Stage.CONNECT, "the greeting pause: waited, remembered (passed "
                        + "lately), exempt (trusted or whitelisted) or off", "waited")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        Client.Greeting g = e.client().greeting();
        String why = g.pregreetBytes() > 0 ? g.pregreetBytes() + " byte(s) sent before the banner" : switch (g.outcome()) {
            case "waited" -> "waited for the banner";
            case "remembered" -> "not paused: waited for the banner lately";
            case "exempt" -> "not paused: trusted or whitelisted";
            default -> "no greeting pause (greeting.pause: off)";
        };
        return List.of(Signal.of("client.pregreet", g.pregreetBytes() > 0, why), Signal.of("client.greet_wait", g.outcome(), why));
    }
}
