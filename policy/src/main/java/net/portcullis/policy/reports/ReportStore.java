package net.portcullis.policy.reports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.ListEntry;

/** Spam reports and delistings in the database. */
public final class ReportStore {
    private final Database db;

    public ReportStore(Database db) {
        this.db = db;
    }

    /**
     * Stores a report; returns its id, or -1 when this reporter already reported this message the
     * same way. A user who reported it the other way (spam, then not spam) changes that report.
     */
    public long add(SpamReport r, Instant at) throws SQLException {
        return add(r, at, 1);
    }

    /** @param weight how many reporters a report without Original-Rcpt-To counts for (reports.weights) */
    public long add(SpamReport r, Instant at, int weight) throws SQLException {
        return add(r, at, weight, null);
    }

    /**
     * @param uncounted why the report counts for nothing (kept all the same, so that the review
     *                  page and the reporter's cap see it), or null when it counts
     */
    public long add(SpamReport r, Instant at, int weight, String uncounted) throws SQLException {
        try (Connection c = db.connect()) {
            // one report per user and message: the user's last word on it stands (moved into Junk,
            // then out again: not spam), the same word twice is a duplicate
            try (PreparedStatement q = c.prepareStatement("SELECT id, feedback_type FROM report WHERE reporter = ? AND message_hash = ?")) {
                q.setString(1, r.reporter());
                q.setString(2, r.messageHash());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        long id = rs.getLong(1);
                        if (rs.getString(2).equalsIgnoreCase(r.feedbackType())) {
                            return -1;
                        }
                        try (PreparedStatement u = c.prepareStatement(
                                "UPDATE report SET feedback_type = ?, received_at = ?, uncounted = ?, ref = ? WHERE id = ?")) {
                            u.setString(1, r.feedbackType());
                            u.setLong(2, at.toEpochMilli());
                            u.setString(3, uncounted);
                            u.setString(4, r.ref());
                            u.setLong(5, id);
                            u.executeUpdate();
                        }
                        return id;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO report (received_at, reporter, feedback_type, source_ip, "
                    + "sender_domain, message_id, urls, message_hash, complainants, weight, ref, uncounted, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"})) {
                s.setLong(1, at.toEpochMilli());
                s.setString(2, r.reporter());
                s.setString(3, r.feedbackType());
                s.setString(4, r.sourceIp());
                s.setString(5, r.senderDomain());
                s.setString(6, r.messageId());
                s.setString(7, String.join(" ", r.urls()));
                s.setString(8, r.messageHash());
                s.setString(9, String.join(" ", r.originalRecipients()));
                s.setInt(10, Math.max(1, weight));
                s.setString(11, r.ref());
                s.setString(12, uncounted);
                s.setString(13, r.headers());
                s.executeUpdate();
                long id;
                try (ResultSet keys = s.getGeneratedKeys()) {
                    id = keys.next() ? keys.getLong(1) : 0;
                }
                try (PreparedStatement l = c.prepareStatement("INSERT INTO report_link (report_id, domain) VALUES (?, ?)")) {
                    for (String d : linkDomains(r)) {
                        l.setLong(1, id);
                        l.setString(2, d);
                        l.addBatch();
                    }
                    l.executeBatch();
                }
                return id;
            }
        }
    }

    /** The Feedback-Types that are complaints (RFC 5965 3.2): abuse, fraud, virus. */
    static final java.util.Set<String> SPAM_TYPES = java.util.Set.of("abuse", "fraud", "virus");

    /** Reports that count for a source: within the window, and after its last delisting. */
    public record Evidence(List<Long> ids, int distinctReporters) { }

    public Evidence evidence(String sourceIp, Instant since) throws SQLException {
        return evidence("ip", sourceIp, "SELECT id, reporter, complainants, weight, feedback_type FROM report "
                + "WHERE source_ip = ? AND received_at >= ? AND uncounted IS NULL ORDER BY id", since);
    }

    /** Reports that count for a domain their messages advertise: within the window, after its last delisting. */
    public Evidence linkEvidence(String domain, Instant since) throws SQLException {
        return evidence("link", domain, "SELECT r.id, r.reporter, r.complainants, r.weight, r.feedback_type FROM report r "
                + "JOIN report_link l ON l.report_id = r.id WHERE l.domain = ? AND r.received_at >= ? AND r.uncounted IS NULL ORDER BY r.id", since);
    }

    private Evidence evidence(String kind, String value, String query, Instant since) throws SQLException {
        try (Connection c = db.connect()) {
            long from = since.toEpochMilli();
            try (PreparedStatement d = c.prepareStatement("SELECT delisted_at FROM delisting WHERE kind = ? AND value = ?")) {
                d.setString(1, kind);
                d.setString(2, value);
                try (ResultSet rs = d.executeQuery()) {
                    if (rs.next()) {
                        from = Math.max(from, rs.getLong(1) + 1);
                    }
                }
            }
            List<Long> ids = new ArrayList<>();
            // Who complained: each Original-Rcpt-To of a provider's report, else the reporter
            // itself with its configured weight; the same one twice counts once. A "not spam"
            // report (Feedback-Type: not-spam) counts against: each distinct user who said so
            // takes one off; the other kinds that are no complaint (auth-failure, other) count
            // neither way.
            java.util.Map<String, Integer> reporters = new java.util.HashMap<>();
            java.util.Set<String> hams = new java.util.HashSet<>();
            try (PreparedStatement s = c.prepareStatement(query)) {
                s.setString(1, value);
                s.setLong(2, from);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String type = String.valueOf(rs.getString(5)).toLowerCase(java.util.Locale.ROOT);
                        String complainants = rs.getString(3);
                        if (type.equals("not-spam")) {
                            if (complainants == null || complainants.isBlank()) {
                                hams.add(rs.getString(2));
                            } else {
                                for (String who : complainants.split(" ")) {
                                    hams.add(rs.getString(2) + "|" + who);
                                }
                            }
                            continue;
                        }
                        if (!SPAM_TYPES.contains(type)) {
                            continue;
                        }
                        ids.add(rs.getLong(1));
                        if (complainants == null || complainants.isBlank()) {
                            reporters.merge(rs.getString(2), rs.getInt(4), Math::max);
                        } else {
                            for (String who : complainants.split(" ")) {
                                reporters.put(rs.getString(2) + "|" + who, 1);
                            }
                        }
                    }
                }
            }
            int spam = reporters.values().stream().mapToInt(Integer::intValue).sum();
            return new Evidence(ids, Math.max(0, spam - hams.size()));
        }
    }

    /** How many counted complaints name a listed value, and when the first and the last came. */
    public record Seen(long reports, Instant first, Instant last) { }

    /**
     * For the feed: the counted complaints (abuse, fraud, virus) per source address and per
     * advertised domain, since {@code since}.
     */
    public Map<String, Seen> complaintsBySource(Instant since) throws SQLException {
        return seen("SELECT source_ip, COUNT(*), MIN(received_at), MAX(received_at) FROM report WHERE uncounted IS NULL "
                + "AND feedback_type IN ('abuse', 'fraud', 'virus') AND received_at >= ? AND source_ip <> '' GROUP BY source_ip", since);
    }

    public Map<String, Seen> complaintsByLink(Instant since) throws SQLException {
        return seen("SELECT l.domain, COUNT(*), MIN(r.received_at), MAX(r.received_at) FROM report r JOIN report_link l ON l.report_id = r.id "
                + "WHERE r.uncounted IS NULL AND r.feedback_type IN ('abuse', 'fraud', 'virus') AND r.received_at >= ? GROUP BY l.domain", since);
    }

    private Map<String, Seen> seen(String sql, Instant since) throws SQLException {
        Map<String, Seen> out = new java.util.HashMap<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Seen(rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        }
        return out;
    }

    /** The redacted header block of the newest counted complaint about this source that kept one, or null. */
    public String latestHeaders(String sourceIp) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT headers FROM report WHERE source_ip = ? "
                + "AND uncounted IS NULL AND headers IS NOT NULL AND feedback_type IN ('abuse', 'fraud', 'virus') ORDER BY received_at DESC, id DESC LIMIT 1")) {
            s.setString(1, sourceIp);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The counted complaints about one source since then, or null when none. */
    public Seen complaintsAbout(String sourceIp, Instant since) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(received_at), MAX(received_at) "
                + "FROM report WHERE source_ip = ? AND uncounted IS NULL AND feedback_type IN ('abuse', 'fraud', 'virus') AND received_at >= ?")) {
            s.setString(1, sourceIp);
            s.setLong(2, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0 ? new Seen(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)))
                        : null;
            }
        }
    }

    /** How many reports this reporter made since then, counted or not (the per-reporter cap). */
    public int madeBy(String reporter, Instant since) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM report WHERE reporter = ? AND received_at >= ?")) {
            s.setString(1, reporter);
            s.setLong(2, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** A stored report as the review page and the tests show it. */
    public record Stored(long id, Instant at, String reporter, String feedbackType, String sourceIp, String senderDomain,
                         String ref, String uncounted) {
        public boolean counted() {
            return uncounted == null;
        }

        public boolean sourceKnown() {
            return !sourceIp.isEmpty();
        }
    }

    /** The newest reports, at most {@code limit}, newest first. */
    public List<Stored> recent(int limit) throws SQLException {
        return stored("", null, limit);
    }

    /**
     * The decisions users said were not spam, newest first: each a flag for review (a listing,
     * a rule or the downstream's Junk filter may be wrong about that sender).
     */
    public List<Stored> notSpam(int limit) throws SQLException {
        return stored("WHERE feedback_type = 'not-spam' AND ref IS NOT NULL ", null, limit);
    }

    /** The reports about one of our decisions, newest first. */
    public List<Stored> aboutRef(String ref) throws SQLException {
        return stored("WHERE ref = ? ", ref, 100);
    }

    private List<Stored> stored(String where, String arg, int limit) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, received_at, reporter, feedback_type, source_ip, sender_domain, ref, uncounted "
                     + "FROM report " + where + "ORDER BY received_at DESC, id DESC LIMIT ?")) {
            int i = 1;
            if (arg != null) {
                s.setString(i++, arg);
            }
            s.setInt(i, limit);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        }
    }

    /** The registrable domains a report's URLs point to (the Public Suffix List's), in order, once each. */
    public static List<String> linkDomains(SpamReport r) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String url : r.urls()) {
            String host = net.portcullis.policy.content.LinkHosts.host(url);
            if (host != null && net.portcullis.rules.Network.addressOrNull(host) == null) {
                String d = net.portcullis.policy.dmarc.OrgDomains.of(host);
                if (d.contains(".")) {
                    out.add(d);
                }
            }
        }
        return List.copyOf(out);
    }

    /** An admin took the value off the blacklist: reports received up to now no longer count. */
    public void delist(ListEntry.Kind kind, String value, String by, Instant at) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM delisting WHERE kind = ? AND value = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO delisting (kind, value, delisted_at, delisted_by) VALUES (?, ?, ?, ?)")) {
                del.setString(1, kind.word());
                del.setString(2, value);
                del.executeUpdate();
                ins.setString(1, kind.word());
                ins.setString(2, value);
                ins.setLong(3, at.toEpochMilli());
                ins.setString(4, by);
                ins.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
