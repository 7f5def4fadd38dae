package net.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.rules.Reply;
import net.portcullis.rules.Verdict;

/**
 * The relay stage and its closed end. A recipient outside our domains passes only when the
 * client is trusted or authenticated; everything else is refused here, and nothing after this
 * stage can open the relay. Envelope routing tricks are refused for every client, even trusted
 * ones: no legitimate sender needs them, and the server behind us might honour them.
 */
public final class RelayStage {
    public static final Reply RELAY_DENIED = new Reply(550, "5.7.1", "Relay access denied");

    private final RelayCheck check;

    public RelayStage(RelayCheck check) {
        this.check = check;
    }

    public RelayCheck check() {
        return check;
    }

    /** Decides for one RCPT whose raw path text is {@code path}. */
    public StageOutcome recipient(Client client, String path) {
        MailAddress rcpt;
        try {
            rcpt = MailAddress.parse(path);
        } catch (MailAddress.InvalidAddress e) {
            MailAddress.Problem p = e.problem();
            if (p.kind() == MailAddress.Problem.Kind.ROUTING_TRICK) {
                return new StageOutcome(Verdict.refuse(
                        Reply.sanitized(550, "5.7.1", "Relay access denied: " + p.reason()),
                        "relay.routing_trick", p.reason()),
                        List.of(Signal.of("rcpt.routing_trick", true, p.reason() + ": " + path)));
            }
            return new StageOutcome(Verdict.refuse(
                    Reply.sanitized(501, "5.1.3", "Bad recipient address syntax: " + p.reason()),
                    "rcpt.syntax", p.reason()),
                    List.of(Signal.of("rcpt.syntax_error", true, p.reason() + ": " + path)));
        }
        List<Signal> signals = new ArrayList<>(check.signals(client, rcpt));
        signals.add(Signal.of("rcpt.routing_trick", false, "plain address " + rcpt.address()));
        if (find(signals, "rcpt.local_domain")) {
            return new StageOutcome(Verdict.accept("relay.local_domain", "recipient domain is ours"), signals);
        }
        if (find(signals, "client.trusted")) {
            return new StageOutcome(Verdict.accept("relay.trusted_network", "client in trusted_networks"), signals);
        }
        if (find(signals, "client.authenticated")) {
            return new StageOutcome(Verdict.accept("relay.authenticated", "client authenticated"), signals);
        }
        return new StageOutcome(Verdict.refuse(RELAY_DENIED, "relay.closed",
                rcpt.domain() + " is not ours and the client may not relay"), signals);
    }

    private static boolean find(List<Signal> signals, String name) {
        return signals.stream().anyMatch(s -> s.name().equals(name) && s.isTrue());
    }
}
