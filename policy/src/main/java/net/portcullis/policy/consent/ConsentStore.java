package net.portcullis.policy.consent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.policy.store.Database;

/**
 * Consent events, appended and never changed; and the bulk sender registry. Every write is one
 * INSERT (or one transaction for an import), so concurrent writers lose nothing and a crash
 * leaves either all of an import or none of it.
 */
public final class ConsentStore {
    private final Database db;

    public ConsentStore(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    public long append(ConsentEvent e) throws SQLException {
        try (Connection c = db.connect()) {
            return insert(c, e);
        }
    }

    /**
     * All or nothing, and idempotent: an event identical to one already stored (same parties,
     * action, method, evidence, actor, time and expiry) is not stored again, so importing the
     * same file twice does not double the history. Returns how many events were new.
     */
    public int appendAll(List<ConsentEvent> events) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                int added = 0;
                for (ConsentEvent e : events) {
                    if (!stored(c, e)) {
                        insert(c, e);
                        added++;
                    }
                }
                c.commit();
                return added;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private static boolean stored(Connection c, ConsentEvent e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM consent_event WHERE recipient = ? AND sender = ? AND at = ? "
                + "AND action = ? AND method = ? AND evidence = ? AND actor = ? AND "
                + (e.validUntil() == null ? "valid_until IS NULL" : "valid_until = ?"))) {
            s.setString(1, e.recipient());
            s.setString(2, e.sender());
            s.setLong(3, e.at().toEpochMilli());
            s.setString(4, e.action().word());
            s.setString(5, e.method());
            s.setString(6, e.evidence());
            s.setString(7, e.actor());
            if (e.validUntil() != null) {
                s.setLong(8, e.validUntil().toEpochMilli());
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long insert(Connection c, ConsentEvent e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO consent_event (recipient, sender, action, method, evidence, actor, "
                + "at, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
            s.setString(1, e.recipient());
            s.setString(2, e.sender());
            s.setString(3, e.action().word());
            s.setString(4, e.method());
            s.setString(5, e.evidence());
            s.setString(6, e.actor());
            s.setLong(7, e.at().toEpochMilli());
            if (e.validUntil() == null) {
                s.setNull(8, Types.BIGINT);
            } else {
                s.setLong(8, e.validUntil().toEpochMilli());
            }
            s.executeUpdate();
            try (ResultSet k = s.getGeneratedKeys()) {
                return k.next() ? k.getLong(1) : 0;
            }
        }
    }

    /** Events, oldest first; null arguments match everything. */
    public List<ConsentEvent> events(String recipient, String sender) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, recipient, sender, action, method, evidence, actor, at, valid_until "
                + "FROM consent_event WHERE 1 = 1");
        if (recipient != null) {
            sql.append(" AND recipient = ?");
        }
        if (sender != null) {
            sql.append(" AND sender = ?");
        }
        sql.append(" ORDER BY at, id");
        List<ConsentEvent> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (recipient != null) {
                s.setString(i++, recipient);
            }
            if (sender != null) {
                s.setString(i, sender);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long until = r.getLong(9);
                    boolean none = r.wasNull();
                    out.add(new ConsentEvent(r.getLong(1), r.getString(2), r.getString(3),
                            ConsentEvent.Action.valueOf(r.getString(4).toUpperCase(Locale.ROOT)), r.getString(5), r.getString(6),
                            r.getString(7), Instant.ofEpochMilli(r.getLong(8)), none ? null : Instant.ofEpochMilli(until)));
                }
            }
        }
        return out;
    }

    /** Retention: events older than the cutoff go, except the last one of each pair, which still states where it stands. */
    public int purgeBefore(Instant cutoff) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM consent_event WHERE at < ? AND id NOT IN "
                     + "(SELECT MAX(id) FROM consent_event GROUP BY recipient, sender)")) {
            s.setLong(1, cutoff.toEpochMilli());
            return s.executeUpdate();
        }
    }

    public void registerSender(String domain, String note, String by, Instant at) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement("DELETE FROM bulk_sender WHERE domain = ?");
                 PreparedStatement s = c.prepareStatement("INSERT INTO bulk_sender (domain, note, registered_at, registered_by) VALUES (?, ?, ?, ?)")) {
                d.setString(1, domain);
                d.executeUpdate();
                s.setString(1, domain);
                s.setString(2, note);
                s.setLong(3, at.toEpochMilli());
                s.setString(4, by);
                s.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    public boolean unregisterSender(String domain) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM bulk_sender WHERE domain = ?")) {
            s.setString(1, domain);
            return s.executeUpdate() > 0;
        }
    }

    /** A registered bulk sender, with who registered it, when and why. */
    public record BulkSender(String domain, String note, Instant registeredAt, String registeredBy) { }

    public List<BulkSender> bulkSenderEntries() throws SQLException {
        List<BulkSender> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT domain, note, registered_at, registered_by FROM bulk_sender ORDER BY domain"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new BulkSender(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4)));
            }
        }
        return out;
    }

    public List<String> bulkSenders() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT domain FROM bulk_sender ORDER BY domain");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
