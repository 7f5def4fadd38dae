package net.portcullis.policy.reputation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.portcullis.policy.store.Database;

/**
 * Reputation totals in the store (SQLite, or PostgreSQL shared by a fleet). Each gateway adds
 * its events in batches: a row is read, decayed to now, added to and written back in one
 * transaction, the row locked on PostgreSQL so that two gateways' batches add up, not overwrite.
 */
public final class ReputationStore {
    private final Database db;

    public ReputationStore(Database db) {
        this.db = db;
    }

    public Reputation.Score read(Reputation.Key k) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT bad, good, updated_at FROM reputation WHERE kind = ? AND subject = ?")) {
            s.setString(1, k.kind().word());
            s.setString(2, k.subject());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Reputation.Score(rs.getDouble(1), rs.getDouble(2), Instant.ofEpochMilli(rs.getLong(3)))
                        : Reputation.Score.NONE;
            }
        }
    }

    /** Adds {bad, good} to each subject's totals, decayed to {@code now} first; all or nothing. */
    public void add(Map<Reputation.Key, double[]> deltas, Instant now, Duration halfLife) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        String select = "SELECT bad, good, updated_at FROM reputation WHERE kind = ? AND subject = ?" + (db.postgres() ? " FOR UPDATE" : "");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement sel = c.prepareStatement(select);
                 PreparedStatement upd = c.prepareStatement("UPDATE reputation SET bad = ?, good = ?, updated_at = ? WHERE kind = ? AND subject = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO reputation (kind, subject, bad, good, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                // in one order, so that two gateways' batches never wait on each other in a circle
                Map<Reputation.Key, double[]> sorted = new java.util.TreeMap<>(
                        java.util.Comparator.comparing((Reputation.Key k) -> k.kind()).thenComparing(Reputation.Key::subject));
                sorted.putAll(deltas);
                for (Map.Entry<Reputation.Key, double[]> e : sorted.entrySet()) {
                    sel.setString(1, e.getKey().kind().word());
                    sel.setString(2, e.getKey().subject());
                    Reputation.Score old = null;
                    try (ResultSet rs = sel.executeQuery()) {
                        if (rs.next()) {
                            old = new Reputation.Score(rs.getDouble(1), rs.getDouble(2), Instant.ofEpochMilli(rs.getLong(3)));
                        }
                    }
                    Reputation.Score next = (old == null ? new Reputation.Score(0, 0, now) : old.decayedTo(now, halfLife))
                            .plus(e.getValue()[0], e.getValue()[1]);
                    PreparedStatement w = old == null ? ins : upd;
                    if (old == null) {
                        w.setString(1, e.getKey().kind().word());
                        w.setString(2, e.getKey().subject());
                        w.setDouble(3, next.bad());
                        w.setDouble(4, next.good());
                        w.setLong(5, now.toEpochMilli());
                    } else {
                        w.setDouble(1, next.bad());
                        w.setDouble(2, next.good());
                        w.setLong(3, now.toEpochMilli());
                        w.setString(4, e.getKey().kind().word());
                        w.setString(5, e.getKey().subject());
                    }
                    w.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The subjects of a kind with the worst value now, at most {@code limit} (the review page). */
    public Map<String, Double> worst(Reputation.Kind kind, Instant now, Duration halfLife, int limit) throws SQLException {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT subject, bad, good, updated_at FROM reputation WHERE kind = ? "
                     + "ORDER BY bad - good DESC LIMIT ?")) {
            s.setString(1, kind.word());
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Reputation.Score(rs.getDouble(2), rs.getDouble(3), Instant.ofEpochMilli(rs.getLong(4)))
                            .decayedTo(now, halfLife).value());
                }
            }
        }
        return out;
    }
}
