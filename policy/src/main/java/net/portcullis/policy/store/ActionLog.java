package net.portcullis.policy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What reviewers did, with who and why (allowlisting, removing a listing, releasing or deleting
 * held mail): an operator asked "who let this sender through?" reads the answer here.
 */
public final class ActionLog {
    /** One recorded action; {@code outcome} says what came of it ("done", or why not). */
    public record Action(long id, Instant at, String account, String action, String target, String reason, String outcome) { }

    private final Database db;

    public ActionLog(Database db) {
        this.db = db;
    }

    public void record(Instant at, String account, String action, String target, String reason, String outcome) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO review_action (at, account, action, target, reason, outcome) "
                     + "VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, account);
            s.setString(3, action);
            s.setString(4, target);
            s.setString(5, reason);
            s.setString(6, outcome);
            s.executeUpdate();
        }
    }

    /** The newest actions first, at most {@code limit}. */
    public List<Action> recent(int limit) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, at, account, action, target, reason, outcome FROM review_action "
                     + "ORDER BY id DESC LIMIT " + Math.max(1, Math.min(limit, 10_000)));
             ResultSet rs = s.executeQuery()) {
            List<Action> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Action(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)));
            }
            return out;
        }
    }
}
