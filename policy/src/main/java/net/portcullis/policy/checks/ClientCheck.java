package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.Networks;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/** The connected client as the session knows it: address, reverse name, trust, TLS, AUTH. */
public final class ClientCheck implements Check {
    private final Networks trusted;

    public ClientCheck(Networks trusted) {
        this.trusted = trusted;
    }

    private static final Spec SPEC = Spec.inline("client", Stage.CONNECT, List.of(
                new SignalSpec("client.ip", Type.IP, Stage.CONNECT, "the client's IP address", "203.0.113.5"),
                new SignalSpec("client.name", Type.STRING, Stage.CONNECT, "the client's reverse (PTR) name; absent when it has none", "mail.example.com"),
                new SignalSpec("client.trusted", Type.BOOL, Stage.CONNECT, "the client is in trusted_networks", "false"),
                new SignalSpec("client.authenticated", Type.BOOL, Stage.CONNECT, "the client completed SMTP AUTH", "true"),
                new SignalSpec("client.auth_user", Type.STRING, Stage.CONNECT, "the SMTP AUTH identity; absent without AUTH", "alice"),
                new SignalSpec("client.tls", Type.BOOL, Stage.CONNECT, "the session is encrypted with STARTTLS", "true")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        Client c = e.client();
        String ip = c.address().getHostAddress();
        List<Signal> out = new ArrayList<>();
        out.add(new Signal("client.ip", c.address(), "peer address of the connection"));
        if (c.reverseName() != null) {
            out.add(Signal.of("client.name", c.reverseName(), "PTR of " + ip));
        } else if (c.ptrFailure() != null) {
            out.add(Signal.unavailable("client.name", "PTR of " + ip + ": " + c.ptrFailure(), true));
        }
        var match = trusted.match(c.address());
        out.add(Signal.of("client.trusted", match.isPresent(), match.map(n -> ip + " is in trusted_networks " + n)
                .orElse(ip + " is not in trusted_networks")));
        out.add(Signal.of("client.authenticated", c.authenticated(), c.authenticated() ? "SMTP AUTH as " + c.authUser() : "no SMTP AUTH"));
        if (c.authenticated()) {
            out.add(Signal.of("client.auth_user", c.authUser(), "SMTP AUTH identity"));
        }
        out.add(Signal.of("client.tls", c.tls(), c.tls() ? "STARTTLS completed" : "plain text session"));
        return out;
    }
}
