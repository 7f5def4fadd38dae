package net.portcullis.policy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.portcullis.policy.consent.ConsentStore;

/**
 * How long each kind of record is kept (store.retention, consent.retention), enforced hourly by
 * the gateway: users' reports (and the links read from them), review actions, the reports we
 * sent (abuse, DMARC; an owed one is never dropped), reputation rows no event touched within
 * the period, and consent events (the newest of each recipient and sender always stays: it is
 * what the consent check reads). Decisions and held mail have their own (log.retention,
 * hold.retention).
 */
public final class Retention {
    public record Periods(Duration reports, Duration reviewActions, Duration reportsOut, Duration reputation, Duration consent) { }

    private final Database db;
    private final Periods periods;

    public Retention(Database db, Periods periods) {
        this.db = db;
        this.periods = periods;
    }

    /** Deletes what is past its period; returns how many rows went, by kind (only kinds that lost some). */
    public Map<String, Integer> purge(Instant now) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        long reports = now.minus(periods.reports()).toEpochMilli();
        note(out, "report links", delete("DELETE FROM report_link WHERE report_id IN (SELECT id FROM report WHERE received_at < ?)", reports));
        note(out, "reports", delete("DELETE FROM report WHERE received_at < ?", reports));
        note(out, "review actions", delete("DELETE FROM review_action WHERE at < ?", now.minus(periods.reviewActions()).toEpochMilli()));
        long out2 = now.minus(periods.reportsOut()).toEpochMilli();
        note(out, "abuse reports sent", delete("DELETE FROM abuse_report_out WHERE state <> 'pending' AND created_at < ?", out2));
        note(out, "DMARC reports sent", delete("DELETE FROM dmarc_report_out WHERE sent_at < ?", out2));
        note(out, "reputation rows", delete("DELETE FROM reputation WHERE updated_at < ?", now.minus(periods.reputation()).toEpochMilli()));
        note(out, "consent events", new ConsentStore(db).purgeBefore(now.minus(periods.consent())));
        return out;
    }

    private static void note(Map<String, Integer> out, String kind, int n) {
        if (n > 0) {
            out.put(kind, n);
        }
    }

    private int delete(String sql, long cutoff) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, cutoff);
            return s.executeUpdate();
        }
    }
}
