package net.portcullis.policy.dmarc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import net.portcullis.policy.store.Database;

/** Which aggregate reports went out: one per policy domain and period, never twice. */
public final class DmarcReportStore {
    private final Database db;

    public DmarcReportStore(Database db) {
        this.db = db;
    }

    public boolean sent(String policyDomain, Instant periodBegin) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM dmarc_report_out WHERE policy_domain = ? AND period_begin = ?")) {
            s.setString(1, policyDomain);
            s.setLong(2, periodBegin.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    public void record(String policyDomain, Instant periodBegin, String reportId, String destinations, int messages, Instant at)
            throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO dmarc_report_out (policy_domain, "
                + "period_begin, report_id, destinations, messages, sent_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, policyDomain);
            s.setLong(2, periodBegin.toEpochMilli());
            s.setString(3, reportId);
            s.setString(4, destinations);
            s.setInt(5, messages);
            s.setLong(6, at.toEpochMilli());
            s.executeUpdate();
        }
    }
}
