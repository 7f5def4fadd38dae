package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.Signal;
import net.portcullis.policy.peers.PeerFeed;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Other providers' listings (peers: in gateway.yaml; docs/reports.md "Providers share"): the
 * client address, the envelope sender and its domain looked up in each peer's last good copy, in
 * memory. A peer's listing adds its trust to {@code peers.score}; only a peer configured with
 * policy refuse sets {@code peers.refused}, so one peer's word alone refuses nothing unless the
 * admin said so. Rules decide (33-peers.rules).
 */
public final class PeerCheck implements Check {
    private static final Spec SPEC = Spec.inline("peers", Stage.MAIL, List.of(
            new SignalSpec("peers.listed", Type.BOOL, Stage.MAIL, "some peer lists the client address, the envelope sender or "
                    + "its domain", "true"),
            new SignalSpec("peers.score", Type.NUMBER, Stage.MAIL, "the trust of the peers that list it, added up", "4"),
            new SignalSpec("peers.refused", Type.BOOL, Stage.MAIL, "a peer configured with policy refuse lists it", "false"),
            new SignalSpec("peers.names", Type.STRING, Stage.MAIL, "the peers that list it, comma-separated", "bigmail,abuse-coop"),
            new SignalSpec("peers.reason", Type.STRING, Stage.MAIL, "the first listing peer's reason", "spam reports from 3 users")));

    private final Supplier<List<PeerFeed>> peers;

    public PeerCheck(Supplier<List<PeerFeed>> peers) {
        this.peers = peers;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        String address = null;
        String domain = null;
        if (e.sender() != null && !e.sender().isEmpty()) {
            try {
                MailAddress a = MailAddress.parse(e.sender());
                address = a.address();
                domain = a.asciiDomain();
            } catch (MailAddress.InvalidAddress bad) {
                // an unparsable sender: only the client is looked up
            }
        }
        long score = 0;
        boolean refused = false;
        List<String> names = new ArrayList<>();
        String reason = "";
        for (PeerFeed f : peers.get()) {
            Optional<ListEntry> hit = f.listings().ip(e.client().address());
            if (hit.isEmpty() && address != null) {
                hit = f.listings().address(address);
            }
            if (hit.isEmpty() && domain != null) {
                hit = f.listings().domain(domain);
            }
            if (hit.isPresent()) {
                score += f.peer().trust();
                refused |= f.peer().refuse();
                names.add(f.peer().name());
                if (reason.isEmpty()) {
                    reason = f.peer().name() + ": " + hit.get().kind().word() + " " + hit.get().value() + " (" + hit.get().reason() + ")";
                }
            }
        }
        String who = e.client().address().getHostAddress() + (address == null ? "" : ", " + address);
        return List.of(Signal.of("peers.listed", !names.isEmpty(), names.isEmpty() ? who + ": no peer lists it" : reason),
                new Signal("peers.score", score, who),
                Signal.of("peers.refused", refused, who),
                new Signal("peers.names", String.join(",", names), who),
                new Signal("peers.reason", reason, who));
    }
}
