package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.reputation.Reputation;
import net.portcullis.policy.reputation.ReputationBook;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Reputation that decays (docs/reports.md "Reputation"): of the client, its network and the
 * envelope sender's domain, built from users' reports, refusals and delivered mail, each
 * event halved every reputation.half_life. Values are whole numbers from -100 (a steady source
 * of mail users want) to 100 (a steady source of complaints); 0 is a stranger. The envelope
 * sender's domain is the client's word: rules weigh reputation.sender_domain with SPF or DMARC.
 * A store that cannot answer reads as 0, unknown, its reason in the evidence: reputation only
 * adds evidence, and a store's hiccup must not turn mail away (a failed check's signals would
 * fail the rules reading them with a 451). Rules decide (46-reputation.rules).
 */
public final class ReputationCheck implements Check {
    private static final String SCALE = " (-100 wanted .. 100 complained of; 0: unknown)";
    private static final Spec SPEC = Spec.io("reputation", Stage.MAIL, List.of(
            new SignalSpec("reputation.client", Type.NUMBER, Stage.MAIL, "the client address's reputation" + SCALE, "62"),
            new SignalSpec("reputation.network", Type.NUMBER, Stage.MAIL, "the reputation of the client's /24 or /64" + SCALE, "40"),
            new SignalSpec("reputation.sender_domain", Type.NUMBER, Stage.MAIL, "the envelope sender domain's reputation" + SCALE
                    + "; 0 for the null sender", "-35")));

    private final ReputationBook book;

    /** @param book null where there is no store (the catalogue, tests of other checks): every value 0 */
    public ReputationCheck(ReputationBook book) {
        this.book = book;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        String sender = e.sender();
        String domain = sender == null || !sender.contains("@") ? null : sender.substring(sender.lastIndexOf('@') + 1);
        List<Reputation.Key> keys = ReputationBook.subjects(e.client().address(), domain);
        List<Signal> out = new ArrayList<>(3);
        long client = 0;
        long network = 0;
        long senderDomain = 0;
        String clientWho = "";
        String networkWho = "";
        String domainWho = "the null sender";
        String failed = book == null ? "no store" : null;
        for (Reputation.Key k : keys) {
            long v = 0;
            if (failed == null) {
                try {
                    v = Math.round(book.value(k) * 100);
                } catch (java.sql.SQLException ex) {
                    failed = "store unavailable, read as 0: " + ex.getMessage();
                }
            }
            String who = failed == null ? k.subject() : k.subject() + " (" + failed + ")";
            switch (k.kind()) {
                case CLIENT -> { client = v; clientWho = who; }
                case NETWORK -> { network = v; networkWho = who; }
                default -> { senderDomain = v; domainWho = who; }
            }
        }
        out.add(new Signal("reputation.client", client, clientWho));
        out.add(new Signal("reputation.network", network, networkWho));
        out.add(new Signal("reputation.sender_domain", senderDomain, domainWho));
        return out;
    }
}
