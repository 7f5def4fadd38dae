package net.portcullis.gateway.session;

import java.io.IOException;
import java.io.InputStream;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportParser;
import net.portcullis.policy.reports.ReportRefused;
import net.portcullis.rules.Reply;

/**
 * The spam-report address (reports.address): mail to it is taken in as a report, never relayed,
 * in a transaction of its own.
 */
public final class ReportMailbox {
    /** A report the gateway refuses, with the reply and the reason for the decision log. */
    public static final class Refusal extends Exception {
        public final Reply reply;

        Refusal(Reply reply, String why) {
            super(why, null, false, false);
            this.reply = reply;
        }
    }

    private final String address;
    private final ReportIntake intake;

    public ReportMailbox(String address, ReportIntake intake) {
        this.address = address;
        this.intake = intake;
    }

    public boolean isFor(String path) {
        if (address == null || intake == null) {
            return false;
        }
        return path.strip().equalsIgnoreCase(address); // our RCPT command hands over the path without <>
    }

    /**
     * Takes the report in; returns the text of the 250 reply. {@code authUser} and
     * {@code trustedClient}: who sent it, since a plain forward counts only from our own users.
     */
    public String take(Spool spool, long size, DecisionRecord record, String authUser, boolean trustedClient) throws Refusal, IOException {
        if (size > ReportParser.MAX_REPORT_SIZE) {
            throw new Refusal(new Reply(552, "5.3.4", "Report too large"), size + " bytes");
        }
        byte[] raw;
        try (InputStream in = spool.open()) {
            raw = in.readAllBytes();
        }
        try {
            ReportIntake.Outcome o = intake.ingestMailed(raw, authUser, trustedClient);
            record.verdict = "accepted";
            record.decidedBy = "reports";
            record.reason = !o.counted() ? "report stored, not counted: " + o.uncounted()
                    : o.listed() == null ? "report stored" : "report stored; " + o.report().sourceIp() + " blacklisted";
            return "2.0.0 Report accepted, thank you [ref " + record.ref + "]";
        } catch (ReportRefused e) {
            throw new Refusal(Reply.sanitized(550, "5.6.0", "Report refused: " + e.getMessage()), e.getMessage());
        } catch (java.sql.SQLException e) {
            throw new Refusal(new Reply(451, "4.3.0", "Report could not be stored, try again later"), e.getMessage());
        }
    }
}
