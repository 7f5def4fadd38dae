package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.dmarc.OrgDomains;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The checks of opt-in consent. Consent is looked up for an authenticated sender identity only
 * (the domain that passed SPF, or at the data stage a DKIM domain aligned with From), so that a
 * forged sender cannot borrow a marketer's consent.
 */
public final class ConsentChecks {
    private ConsentChecks() {
    }

    static String authenticatedAtRcpt(Event e) {
        Object spf = e.earlier("spf.result");
        Object dom = e.earlier("spf.domain");
        return "pass".equals(spf) && dom != null ? dom.toString() : null;
    }

    /** At mail: is the envelope sender a registered bulk sender? */
    public static final class BulkSender implements Check {
        private final ConsentBook book;

        public BulkSender(ConsentBook book) {
            this.book = book;
        }

        private static final Spec SPEC = Spec.io("bulk-sender", Stage.MAIL, List.of(new SignalSpec("commercial.registered_sender", Type.BOOL, Stage.MAIL,
                    "the envelope sender's domain is registered as a bulk sender (`portcullis sender register`)", "true")));

        @Override
        public Spec spec() {
            return SPEC;
        }

        public List<Signal> run(Event e) throws Exception {
            Object d = e.earlier("mail.from_domain");
            boolean bulk = d != null && book.isBulkSender(d.toString());
            return List.of(Signal.of("commercial.registered_sender", bulk, bulk ? d + " is a registered bulk sender"
                    : (d == null ? "null sender" : d + " is not registered")));
        }
    }

    /** At rcpt: consent of this recipient for the authenticated sender. */
    public static final class Recipient implements Check {
        private final ConsentBook book;

        public Recipient(ConsentBook book) {
            this.book = book;
        }

        private static final Spec SPEC = Spec.io("consent", Stage.RCPT, List.of(
                    new SignalSpec("consent.identity", Type.STRING, Stage.RCPT, "the authenticated sender identity consent is "
                            + "looked up for (the SPF-pass domain); absent for unauthenticated mail", "shop.example"),
                    new SignalSpec("consent.granted", Type.BOOL, Stage.RCPT, "this recipient's opt-in for that identity is in force", "true"),
                    new SignalSpec("consent.revoked", Type.BOOL, Stage.RCPT, "this recipient withdrew consent for that identity", "false"),
                    new SignalSpec("consent.status", Type.STRING, Stage.RCPT, "active, pending, revoked, expired or none", "active")));

        @Override
        public Spec spec() {
            return SPEC;
        }

        public List<Signal> run(Event e) throws Exception {
            String identity = authenticatedAtRcpt(e);
            ConsentBook.Decision d = book.lookup(e.recipient().address(), identity, e.sender());
            List<Signal> out = new ArrayList<>();
            String evidence = identity == null ? "sender not authenticated (no SPF pass): no consent can be borrowed"
                    : d.state() == null ? "no consent record for " + e.recipient().address() + " from " + identity
                    : describe(d);
            if (identity != null) {
                out.add(Signal.of("consent.identity", identity, "domain that passed SPF"));
            }
            out.add(Signal.of("consent.granted", d.granted(), evidence));
            out.add(Signal.of("consent.revoked", d.status() == net.portcullis.policy.consent.ConsentState.Status.REVOKED, evidence));
            out.add(Signal.of("consent.status", d.status().name().toLowerCase(Locale.ROOT), evidence));
            return out;
        }
    }

    static String describe(ConsentBook.Decision d) {
        var ev = d.state().decidedBy();
        return d.state().recipient() + " <- " + d.state().sender() + ": " + d.status().name().toLowerCase(Locale.ROOT) + " by event #"
                + ev.id() + " (" + ev.action().word() + " via " + ev.method() + ", evidence " + ev.evidence() + ", by " + ev.actor()
                + " at " + ev.at() + (ev.validUntil() == null ? "" : ", until " + ev.validUntil()) + ")";
    }

    /** At data: does the content say "commercial"? */
    public static final class Content implements Check {
        private static final Spec SPEC = Spec.inline("commercial-content", Stage.DATA, List.of(
                    new SignalSpec("commercial.content", Type.BOOL, Stage.DATA, "the message shows signs of bulk commercial mail "
                            + "(List-Unsubscribe, Precedence: bulk, Feedback-ID, campaign headers, an advertising label)", "true"),
                    new SignalSpec("commercial.signs", Type.STRING, Stage.DATA, "which signs", "List-Unsubscribe Feedback-ID"),
                    new SignalSpec("commercial.list_unsubscribe", Type.BOOL, Stage.DATA, "a List-Unsubscribe header with a mailto: or https: URI", "true"),
                    new SignalSpec("commercial.subject_labelled", Type.BOOL, Stage.DATA, "the Subject begins with an advertising "
                            + "label: [AD], (ADV), ADV:, 【广告】, 广告: (decoded from RFC 2047)", "false"),
                    new SignalSpec("commercial.contact", Type.BOOL, Stage.DATA, "a way to refuse further mail is given: a "
                            + "List-Unsubscribe mailto: address or a Reply-To", "true")));

        @Override
        public Spec spec() {
            return SPEC;
        }

        /**
         * The advertising labels laws ask for, only in their real forms: a bracketed AD, ADV or
         * 广告/廣告/광고 ("[AD]", "(ADV)", "【广告】"), or the word followed by a colon ("ADV:",
         * "广告："), or 广告 followed by a space. AD and ADV in capitals only: "Ad hoc meeting" and
         * "Advice" are not labels.
         */
        static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile(
                "[\\[(【（〔]\\s*(?:AD|ADV|广告|廣告|광고)\\s*[\\])】）〕]"
                        + "|(?:AD|ADV|广告|廣告|광고)\\s*[:：]"
                        + "|(?:广告|廣告|광고)(?:\\s|$)");

        private static final String[] CAMPAIGN = {"Feedback-ID", "X-Campaign", "X-Campaign-ID", "X-Mailgun-Campaign-Id",
                "X-MC-User", "X-SG-EID", "X-CSA-Complaints", "X-Mailchimp-Campaign", "X-SES-Outgoing", "X-Newsletter"};

        public List<Signal> run(Event e) {
            var m = e.message();
            List<String> signs = new ArrayList<>();
            String unsub = m.first("List-Unsubscribe");
            if (unsub != null) {
                signs.add("List-Unsubscribe");
            }
            // Mail through a list manager (RFC 2919 List-Id, RFC 2369 List-Post, Mailman's
            // X-BeenThere) carries List-Unsubscribe and "Precedence: bulk" too, and its lists keep
            // their own subscriptions: those two signs do not count for it. Campaign headers and
            // a label still do, and an announce-only list (List-Post: NO) is bulk mail like any.
            String post = m.first("List-Post");
            boolean listManager = post != null ? !post.strip().equalsIgnoreCase("NO")
                    : m.first("List-Id") != null || m.first("X-BeenThere") != null || m.first("Mailing-List") != null;
            if (listManager && unsub != null) {
                signs.remove("List-Unsubscribe");
            }
            String precedence = m.first("Precedence");
            if (!listManager && precedence != null && precedence.strip().toLowerCase(Locale.ROOT).matches("bulk|junk")) {
                signs.add("Precedence: " + precedence.strip());
            }
            for (String h : CAMPAIGN) {
                if (m.first(h) != null) {
                    signs.add(h);
                }
            }
            String subject = net.portcullis.policy.HeaderText.decode(m.first("Subject"));
            boolean label = subject != null && LABEL.matcher(subject.strip()).lookingAt();
            if (label) {
                signs.add("advertising label in Subject");
            }
            boolean listUnsub = unsub != null && unsub.toLowerCase(Locale.ROOT).matches(".*<(mailto:|https:).*");
            boolean contact = unsub != null && unsub.toLowerCase(Locale.ROOT).contains("<mailto:") || m.first("Reply-To") != null;
            return List.of(
                    Signal.of("commercial.content", !signs.isEmpty(), signs.isEmpty() ? "no sign of bulk commercial mail" : String.join(", ", signs)),
                    Signal.of("commercial.signs", String.join(" ", signs), "headers and Subject"),
                    Signal.of("commercial.list_unsubscribe", listUnsub, unsub == null ? "no List-Unsubscribe" : "List-Unsubscribe: " + unsub),
                    Signal.of("commercial.subject_labelled", label, "Subject: " + subject),
                    Signal.of("commercial.contact", contact, contact ? "List-Unsubscribe mailto: or Reply-To" : "no way to refuse further mail given"));
        }
    }

    /** At data, after DKIM and DMARC: does every recipient have consent from the authenticated sender? */
    public static final class Message implements Check {
        private final ConsentBook book;

        public Message(ConsentBook book) {
            this.book = book;
        }

        private static final Spec SPEC = Spec.io("consent-message", Stage.DATA, List.of(
                    new SignalSpec("consent.all_recipients", Type.BOOL, Stage.DATA, "every recipient's opt-in is in force for the "
                            + "authenticated sender (SPF-pass domain, or a DKIM domain aligned with From)", "true"),
                    new SignalSpec("consent.missing", Type.STRING, Stage.DATA, "recipients without consent, space-separated", "bob@example.net"),
                    new SignalSpec("consent.any_revoked", Type.BOOL, Stage.DATA, "some recipient withdrew consent", "false"))).afterOtherChecks();

        @Override
        public Spec spec() {
            return SPEC;
        }

        public List<Signal> run(Event e) throws Exception {
            List<String> identities = new ArrayList<>();
            String spf = authenticatedAtRcpt(e);
            if (spf != null) {
                identities.add(spf);
            }
            Object dkim = e.earlier("dkim.domains");
            Object from = e.earlier("dmarc.domain");
            if (dkim != null && from != null) {
                for (String d : dkim.toString().split(" ")) {
                    if (!d.isBlank() && OrgDomains.aligned(from.toString(), d, false) && !identities.contains(d)) {
                        identities.add(d);
                    }
                }
            }
            List<String> missing = new ArrayList<>();
            boolean revoked = false;
            StringBuilder evidence = new StringBuilder();
            for (String rcpt : e.recipients()) {
                ConsentBook.Decision best = null;
                for (String id : identities) {
                    ConsentBook.Decision d = book.lookup(rcpt, id, e.sender());
                    if (d.granted()) {
                        best = d;
                        break;
                    }
                    revoked |= d.status() == net.portcullis.policy.consent.ConsentState.Status.REVOKED;
                }
                if (best == null) {
                    missing.add(rcpt);
                } else {
                    evidence.append(evidence.length() == 0 ? "" : "; ").append(describe(best));
                }
            }
            String why = identities.isEmpty() ? "sender not authenticated: no consent can be borrowed"
                    : missing.isEmpty() ? evidence.toString() : "no consent from " + identities + " for " + missing;
            return List.of(
                    Signal.of("consent.all_recipients", missing.isEmpty() && !identities.isEmpty(), why),
                    Signal.of("consent.missing", String.join(" ", identities.isEmpty() ? e.recipients() : missing), why),
                    Signal.of("consent.any_revoked", revoked, why));
        }
    }

}
