package net.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.portcullis.rules.Reply;
import net.portcullis.rules.RuleSet;
import net.portcullis.rules.Stage;
import net.portcullis.rules.StageResult;
import net.portcullis.rules.Verdict;

/**
 * The policy for one transaction. Connect-, HELO- and MAIL-stage rules are evaluated at each
 * RCPT (Postfix's smtpd_delay_reject), so they can be scoped by recipient domain and their
 * refusals reach the client at a point where it can act on them.
 */
public final class PolicyTransaction {
    /** The relay stage's closed end: built in, so no rule file and no deleted file can open the relay. */
    public static final Reply RELAY_DENIED = new Reply(550, "5.7.1", "Relay access denied");

    private final PolicyEngine engine;
    private final RuleSet rules;
    private final Client client;
    private final String sender;
    private SignalMap early;
    private final Map<String, Long> scoreByDomain = new LinkedHashMap<>();

    PolicyTransaction(PolicyEngine engine, RuleSet rules, Client client, String sender) {
        this.engine = engine;
        this.rules = rules;
        this.client = client;
        this.sender = sender;
    }

    public RuleSet rules() {
        return rules;
    }

    /** Signals of the connect, helo and mail stages, computed once per transaction. */
    public SignalMap early() {
        if (early == null) {
            early = new SignalMap(null);
            for (Stage s : List.of(Stage.CONNECT, Stage.HELO, Stage.MAIL)) {
                engine.compute(s, Event.envelope(s, client, sender, early), rules, early);
            }
        }
        return early;
    }

    /** A recipient that tries to route mail through us: refused for everyone, before any rule. */
    private StageOutcome routingTrick(String path, String why) {
        SignalMap m = new SignalMap(early());
        m.put(Signal.of("rcpt.routing_trick", why, path));
        return outcome(Verdict.refuse(Reply.sanitized(550, "5.7.1", "Relay access denied: " + why), "relay.routing_trick", why),
                0, List.of(), List.of(), m);
    }

    /** Decides one RCPT, given the path text as the client sent it. */
    public StageOutcome recipient(String path) {
        MailAddress rcpt;
        try {
            rcpt = MailAddress.parse(path);
        } catch (MailAddress.InvalidAddress e) {
            MailAddress.Problem p = e.problem();
            if (p.kind() == MailAddress.Problem.Kind.ROUTING_TRICK) {
                return routingTrick(path, p.reason());
            }
            SignalMap m = new SignalMap(early());
            m.put(Signal.of("rcpt.syntax_error", p.reason(), path));
            return outcome(Verdict.refuse(Reply.sanitized(501, "5.1.3", "Bad recipient address syntax: " + p.reason()),
                    "rcpt.syntax", p.reason()), 0, List.of(), List.of(), m);
        }
        if (rcpt.isAddressLiteral()) {
            // valid syntax, but mail for a host named by its address is not mail for our domains
            return routingTrick(path, "address literals (user@[192.0.2.1]) are not accepted");
        }
        boolean local = engine.domains().isLocal(rcpt);
        if (!local) {
            StageOutcome refused = relayFirst(rcpt);
            if (refused != null) {
                return refused;
            }
        }
        SignalMap m = new SignalMap(early());
        for (Stage s : List.of(Stage.RELAY, Stage.RCPT)) {
            engine.compute(s, Event.recipient(s, client, sender, rcpt, m), rules, m);
        }
        StageOutcome o = decideRecipient(rules, m, rcpt.domain(), engine.domains().isLocal(rcpt), engine.softBounce());
        if (o.verdict().kind() == Verdict.Kind.ACCEPT) {
            scoreByDomain.merge(rcpt.domain() == null ? "" : rcpt.domain(), o.score(), Math::max);
        }
        return o;
    }

    /**
     * A recipient of another domain is first put to the relay stage alone, on the signals that
     * cost no I/O (client address, trust, AUTH; the recipient): a relay attempt is refused at
     * once, without a DNS query, and is refused 550 even when DNS is down. Falls back to the
     * full path when a relay rule reads a signal that needs I/O.
     */
    private StageOutcome relayFirst(MailAddress rcpt) {
        for (net.portcullis.rules.Rule r : rules.rules(Stage.RELAY)) {
            for (String sig : r.signals()) {
                if (engine.fromIo(sig)) {
                    return null;
                }
            }
        }
        // the earlier stages' signals are a layer below, as on the full path: the recipient's entry in
        // the decision line records its own (relay) signals, the transaction's the earlier ones once
        SignalMap earlier = new SignalMap(null);
        for (Stage s : List.of(Stage.CONNECT, Stage.HELO, Stage.MAIL)) {
            engine.computeCheap(s, Event.envelope(s, client, sender, earlier), earlier);
        }
        SignalMap cheap = new SignalMap(earlier);
        engine.computeCheap(Stage.RELAY, Event.recipient(Stage.RELAY, client, sender, rcpt, cheap), cheap);
        StageResult r = rules.evaluate(Stage.RELAY, rcpt.domain(), cheap, 0);
        if (r.verdict().refused()) {
            return outcome(r.verdict(), r.score(), r.tags(), List.of(r), cheap);
        }
        if (r.verdict().kind() != Verdict.Kind.ACCEPT) {
            return outcome(Verdict.refuse(RELAY_DENIED, "relay.closed",
                    rcpt.domain() + " is not ours and no relay rule permitted this client"), r.score(), r.tags(), List.of(r), cheap);
        }
        return null;
    }

    /**
     * The rule stages for one recipient, on signals already computed: connect, helo and mail
     * (delayed to here), relay (only for other domains, closed at its end), rcpt. Used live and
     * by `rules replay` on recorded signals.
     */
    public static StageOutcome decideRecipient(RuleSet rules, SignalMap m, String domain, boolean local, boolean softBounce) {
        long score = 0;
        List<StageResult> stages = new ArrayList<>();
        List<StageResult.Tag> tags = new ArrayList<>();
        for (Stage s : List.of(Stage.CONNECT, Stage.HELO, Stage.MAIL, Stage.RELAY, Stage.RCPT)) {
            if (s == Stage.RELAY && local) {
                continue; // mail for our own domains is not relaying
            }
            StageResult r = rules.evaluate(s, domain, m, score);
            stages.add(r);
            score += r.score();
            tags.addAll(r.tags());
            if (r.verdict().refused()) {
                return outcome(r.verdict(), score, tags, stages, m, softBounce);
            }
            if (s == Stage.RELAY && r.verdict().kind() != Verdict.Kind.ACCEPT) {
                return outcome(Verdict.refuse(RELAY_DENIED, "relay.closed",
                        domain + " is not ours and no relay rule permitted this client"), score, tags, stages, m, softBounce);
            }
        }
        return outcome(Verdict.accept(lastDecider(stages), "accepted at rcpt"), score, tags, stages, m, softBounce);
    }

    /** Decides the message at the end of data, for the domains of the accepted recipients. */
    public StageOutcome data(MessageFacts message, List<String> recipients) {
        return data(message, recipients, client.conduct());
    }

    /**
     * @param conduct the client's conduct as it stands at the end of data (it may have sent the
     *                message before our 354)
     */
    public StageOutcome data(MessageFacts message, List<String> recipients, Client.Conduct conduct) {
        List<String> recipientDomains = new ArrayList<>();
        for (String r : recipients) {
            recipientDomains.add(r.contains("@") ? r.substring(r.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT) : "");
        }
        SignalMap m = new SignalMap(early());
        engine.compute(Stage.DATA, Event.data(client.withConduct(conduct), sender, message, m, recipients), rules, m);
        return decideData(rules, m, recipientDomains, scoreByDomain, engine.softBounce());
    }

    /**
     * The data stage for each recipient domain; any refusal refuses the message (one reply for
     * all); else any hold holds it, for all its recipients.
     */
    public static StageOutcome decideData(RuleSet rules, SignalMap m, List<String> recipientDomains,
                                          Map<String, Long> scoreByDomain, boolean softBounce) {
        List<StageResult> stages = new ArrayList<>();
        LinkedHashSet<StageResult.Tag> tags = new LinkedHashSet<>();
        long best = 0;
        Verdict held = null;
        for (String d : new LinkedHashSet<>(recipientDomains)) {
            long start = scoreByDomain.getOrDefault(d, 0L);
            StageResult r = rules.evaluate(Stage.DATA, d.isEmpty() ? null : d, m, start);
            stages.add(r);
            best = Math.max(best, start + r.score());
            for (StageResult.Tag t : r.tags()) {
                if (tags.stream().noneMatch(x -> x.header().equalsIgnoreCase(t.header()) && x.value().equals(t.value()))) {
                    tags.add(t);
                }
            }
            if (r.verdict().refused()) {
                return outcome(r.verdict(), start + r.score(), new ArrayList<>(tags), stages, m, softBounce);
            }
            if (r.verdict().kind() == Verdict.Kind.HOLD && held == null) {
                held = r.verdict();
            }
        }
        return outcome(held != null ? held : Verdict.proceed(), best, new ArrayList<>(tags), stages, m, softBounce);
    }

    private StageOutcome outcome(Verdict v, long score, List<StageResult.Tag> tags, List<StageResult> stages, SignalMap m) {
        return outcome(v, score, tags, stages, m, engine.softBounce());
    }

    private static StageOutcome outcome(Verdict v, long score, List<StageResult.Tag> tags, List<StageResult> stages,
                                        SignalMap m, boolean softBounce) {
        return new StageOutcome(softBounce ? v.softBounced() : v, score, tags, stages, m);
    }

    private static String lastDecider(List<StageResult> stages) {
        for (int i = stages.size() - 1; i >= 0; i--) {
            if (stages.get(i).verdict().decidedBy() != null) {
                return stages.get(i).verdict().decidedBy();
            }
        }
        return "policy";
    }
}
