package net.portcullis.policy.reports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.store.Database;

/** Reports we owe, or sent, to the networks spam came from: one row per confirmed source and round. */
public final class AbuseReportStore {
    public record Out(long id, String sourceIp, String state, Instant created, String contact, String via, Integer incidents,
                      Instant sent, String messageId, String note) { }

    private final Database db;

    public AbuseReportStore(Database db) {
        this.db = db;
    }

    /**
     * A source is confirmed spam: a report to its network is owed, unless one is owed already or
     * went out within {@code quiet} (one report per source per round, however many listings).
     * Returns whether a row was added.
     */
    public boolean confirm(String sourceIp, Instant now, Duration quiet) throws SQLException {
        try (Connection c = db.connect()) {
            try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM abuse_report_out WHERE source_ip = ? AND "
                    + "(state = 'pending' OR created_at >= ?)")) {
                q.setString(1, sourceIp);
                q.setLong(2, now.minus(quiet).toEpochMilli());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO abuse_report_out (source_ip, state, created_at) VALUES (?, 'pending', ?)")) {
                s.setString(1, sourceIp);
                s.setLong(2, now.toEpochMilli());
                s.executeUpdate();
                return true;
            }
        }
    }

    public List<Out> pending() throws SQLException {
        return query("WHERE state = 'pending' ORDER BY created_at, id", null, 10_000);
    }

    public List<Out> recent(int limit) throws SQLException {
        return query("ORDER BY created_at DESC, id DESC", null, limit);
    }

    /** Reports sent to one contact since then (its daily cap). */
    public int sentTo(String contact, Instant since) throws SQLException {
        return count("SELECT COUNT(*) FROM abuse_report_out WHERE state = 'sent' AND contact = ? AND sent_at >= ?", contact, since);
    }

    /** Reports sent to anyone since then (the daily cap of all). */
    public int sentSince(Instant since) throws SQLException {
        return count("SELECT COUNT(*) FROM abuse_report_out WHERE state = 'sent' AND sent_at >= ?", null, since);
    }

    /** Records what became of a pending report; {@code state} pending keeps it owed, with the note saying why. */
    public void settle(long id, String state, String contact, String via, Integer incidents, Instant sent, String messageId, String note)
            throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("UPDATE abuse_report_out SET state = ?, contact = ?, "
                + "contact_via = ?, incidents = ?, sent_at = ?, message_id = ?, note = ? WHERE id = ?")) {
            s.setString(1, state);
            s.setString(2, contact);
            s.setString(3, via);
            if (incidents == null) {
                s.setNull(4, java.sql.Types.INTEGER);
            } else {
                s.setInt(4, incidents);
            }
            if (sent == null) {
                s.setNull(5, java.sql.Types.BIGINT);
            } else {
                s.setLong(5, sent.toEpochMilli());
            }
            s.setString(6, messageId);
            s.setString(7, note);
            s.setLong(8, id);
            s.executeUpdate();
        }
    }

    private int count(String sql, String arg, Instant since) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (arg != null) {
                s.setString(i++, arg);
            }
            s.setLong(i, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private List<Out> query(String tail, String arg, int limit) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT id, source_ip, state, created_at, contact, "
                + "contact_via, incidents, sent_at, message_id, note FROM abuse_report_out " + tail + " LIMIT ?")) {
            s.setInt(1, limit);
            List<Out> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long sent = rs.getLong(8);
                    boolean noSent = rs.wasNull();
                    int inc = rs.getInt(7);
                    boolean noInc = rs.wasNull();
                    out.add(new Out(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5),
                            rs.getString(6), noInc ? null : inc, noSent ? null : Instant.ofEpochMilli(sent), rs.getString(9), rs.getString(10)));
                }
            }
            return out;
        }
    }
}
