package net.portcullis.policy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Local black and white lists in the database (embedded SQLite or PostgreSQL). */
public final class ListStore {
    private final Database db;

    public ListStore(Database db) {
        this.db = db;
    }

    /** Adds or replaces the entry for (color, kind, value). */
    public void put(ListEntry e) throws SQLException {
        try (Connection c = db.connect()) {
            put(c, e);
        }
    }

    private static void put(Connection c, ListEntry e) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM list_entry WHERE color = ? AND kind = ? AND value = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO list_entry (color, kind, value, reason, source, created_at, "
                     + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            del.setString(1, e.color().word());
            del.setString(2, e.kind().word());
            del.setString(3, e.value());
            del.executeUpdate();
            ins.setString(1, e.color().word());
            ins.setString(2, e.kind().word());
            ins.setString(3, e.value());
            ins.setString(4, e.reason());
            ins.setString(5, e.source());
            ins.setLong(6, e.created().toEpochMilli());
            if (e.expires() == null) {
                ins.setNull(7, Types.BIGINT);
            } else {
                ins.setLong(7, e.expires().toEpochMilli());
            }
            ins.executeUpdate();
        }
    }

    /** All or nothing: a failure part-way leaves the lists as they were. */
    public void importAll(List<ListEntry> entries) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                for (ListEntry e : entries) {
                    put(c, e);
                }
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    public boolean remove(ListEntry.Color color, ListEntry.Kind kind, String value) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM list_entry WHERE color = ? AND kind = ? AND value = ?")) {
            s.setString(1, color.word());
            s.setString(2, kind.word());
            s.setString(3, value);
            return s.executeUpdate() > 0;
        }
    }

    public List<ListEntry> all() throws SQLException {
        List<ListEntry> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, color, kind, value, reason, source, created_at, expires_at "
                     + "FROM list_entry ORDER BY id");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                long exp = r.getLong(8);
                boolean noExpiry = r.wasNull();
                out.add(new ListEntry(r.getLong(1), ListEntry.Color.valueOf(r.getString(2).toUpperCase(Locale.ROOT)),
                        ListEntry.Kind.valueOf(r.getString(3).toUpperCase(Locale.ROOT)), r.getString(4), r.getString(5),
                        r.getString(6), Instant.ofEpochMilli(r.getLong(7)), noExpiry ? null : Instant.ofEpochMilli(exp)));
            }
        }
        return out;
    }

    public int purgeExpired(Instant now) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM list_entry WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
            s.setLong(1, now.toEpochMilli());
            return s.executeUpdate();
        }
    }

    public Database database() {
        return db;
    }
}
