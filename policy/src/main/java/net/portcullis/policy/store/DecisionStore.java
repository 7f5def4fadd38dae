package net.portcullis.policy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision log in the store (SQLite by default, PostgreSQL for a fleet): each decision's
 * JSON line, indexed by ref, time, client, sender, recipient, verdict and deciding rule. Written
 * in batches by the gateway, read by {@code portcullis log}. Never a body or a subject: only
 * what the decision line holds.
 */
public final class DecisionStore {
    /** One decision to store: the indexed fields and the whole line. */
    public record Row(String ref, Instant at, String event, String client, String sender, String verdict, String decidedBy,
                      List<String> recipients, String json, String queueId) {
        /** A decision of the in-line proxy: no MTA queue id. */
        public Row(String ref, Instant at, String event, String client, String sender, String verdict, String decidedBy,
                   List<String> recipients, String json) {
            this(ref, at, event, client, sender, verdict, decidedBy, recipients, json, null);
        }
    }

    /** A search: null fields match everything; times are inclusive-exclusive. */
    public record Filter(Instant since, Instant until, String client, String sender, String recipient, String verdict,
                         String rule, int limit, String queueId) {
        public Filter(Instant since, Instant until, String client, String sender, String recipient, String verdict, String rule, int limit) {
            this(since, until, client, sender, recipient, verdict, rule, limit, null);
        }

        public static Filter all(int limit) {
            return new Filter(null, null, null, null, null, null, null, limit);
        }

        /** The same search for the decision of one MTA queue id (milter); null or blank: any. */
        public Filter withQueueId(String id) {
            return new Filter(since, until, client, sender, recipient, verdict, rule, limit, id == null || id.isBlank() ? null : id.strip());
        }
    }

    private final Database db;
    private java.util.function.UnaryOperator<String> addresses = java.util.function.UnaryOperator.identity();

    /**
     * Searches by sender and recipient as the store holds them: with log.pseudonymise on, the
     * pseudonym of the address asked for (a domain search, "@example.org", is unchanged).
     */
    public DecisionStore searchingAs(java.util.function.UnaryOperator<String> addresses) {
        this.addresses = addresses;
        return this;
    }

    public DecisionStore(Database db) {
        this.db = db;
    }

    /** Stores a batch in one database transaction. */
    public void append(List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                insert(c, rows);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The rows on the caller's connection, in the caller's database transaction (a hold writes its decision with its row). */
    static void insert(Connection c, List<Row> rows) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("INSERT INTO decision (ref, at, event, client, sender, verdict, decided_by, "
                + "record, queue_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
             PreparedStatement r = c.prepareStatement("INSERT INTO decision_rcpt (decision_id, address) VALUES (?, ?)")) {
            for (Row row : rows) {
                d.setString(1, row.ref());
                d.setLong(2, row.at().toEpochMilli());
                d.setString(3, row.event());
                d.setString(4, row.client());
                d.setString(5, lower(row.sender()));
                d.setString(6, row.verdict());
                d.setString(7, row.decidedBy());
                d.setString(8, row.json());
                d.setString(9, row.queueId());
                d.executeUpdate();
                long id;
                try (ResultSet k = d.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
                for (String a : row.recipients()) {
                    r.setLong(1, id);
                    r.setString(2, lower(net.portcullis.policy.MailAddress.bare(a)));
                    r.addBatch();
                }
            }
            r.executeBatch();
        }
    }

    /** The JSON lines of the decisions with this ref (one, or several for a connection's refusals), oldest first. */
    public List<String> find(String ref) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT record FROM decision WHERE ref = ? ORDER BY at, id")) {
            s.setString(1, ref.toUpperCase(java.util.Locale.ROOT));
            return lines(s);
        }
    }

    /** Decisions matching the filter, newest first, at most {@code limit}. */
    public List<String> query(Filter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT d.record FROM decision d WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(f, sql, args);
        sql.append(" ORDER BY d.at DESC, d.id DESC LIMIT ").append(Math.max(1, Math.min(f.limit(), 100_000)));
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            return lines(s);
        }
    }

    /** A stored decision line with its place in the store, for paging. */
    public record Stored(long id, Instant at, String json) { }

    /**
     * One page of the decisions matching the filter, newest first, strictly older than
     * {@code before} (a stored decision of the previous page; null for the first page). Keyset
     * paging, so that page 500 costs what page 1 does on a million stored decisions.
     */
    public List<Stored> page(Filter f, Stored before) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT d.id, d.at, d.record FROM decision d WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(f, sql, args);
        if (before != null) {
            // the first term lets the time index bound the scan; the second breaks ties in one millisecond
            sql.append(" AND d.at <= ? AND (d.at < ? OR d.id < ?)");
            args.add(before.at().toEpochMilli());
            args.add(before.at().toEpochMilli());
            args.add(before.id());
        }
        sql.append(" ORDER BY d.at DESC, d.id DESC LIMIT ").append(Math.max(1, Math.min(f.limit(), 1_000)));
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
                }
            }
            return out;
        }
    }

    /** Where a decision stands, by id (the cursor of a page link); null when it is gone. */
    public Stored byId(long id) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT id, at, record FROM decision WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Stored(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)) : null;
            }
        }
    }

    /** Counts of refusals (rejected and tempfail) since a time, by deciding rule and hour: rule → hour → count. */
    public Map<String, Map<Instant, Long>> refusalsByRuleAndHour(Instant since) throws SQLException {
        return byHour("COALESCE(decided_by, '?')", " AND verdict IN ('rejected', 'tempfail')", since);
    }

    /** Counts by verdict and hour since a time: verdict → hour → count. */
    public Map<String, Map<Instant, Long>> verdictsByHour(Instant since) throws SQLException {
        return byHour("COALESCE(verdict, 'aborted')", "", since);
    }

    private Map<String, Map<Instant, Long>> byHour(String key, String condition, Instant since) throws SQLException {
        Map<String, Map<Instant, Long>> out = new java.util.TreeMap<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + key + ", (at / 3600000) * 3600000, COUNT(*) FROM decision "
                     + "WHERE at >= ?" + condition + " GROUP BY 1, 2")) {
            s.setLong(1, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>())
                            .put(Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }

    /** What a top list counts: the client address, or the envelope sender's domain. */
    public enum Top { CLIENT, SENDER_DOMAIN }

    /** The most refused clients or sender domains since a time, most first. */
    public Map<String, Long> topRefused(Top what, Instant since, int limit) throws SQLException {
        String key = what == Top.CLIENT ? "client"
                : db.postgres() ? "substr(sender, strpos(sender, '@') + 1)" : "substr(sender, instr(sender, '@') + 1)";
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + key + ", COUNT(*) FROM decision WHERE at >= ? AND verdict = 'rejected'"
                     + (what == Top.CLIENT ? " AND client IS NOT NULL" : " AND sender IS NOT NULL AND sender <> ''")
                     + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + Math.max(1, Math.min(limit, 100)))) {
            s.setLong(1, since.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Counts by verdict, by deciding rule and by hour, for the decisions matching the filter. */
    public Map<String, Map<String, Long>> stats(Filter f) throws SQLException {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        out.put("verdict", count(f, "d.verdict"));
        out.put("rule", count(f, "d.decided_by"));
        out.put("hour", count(f, "(d.at / 3600000) * 3600000"));
        Map<String, Long> hours = new LinkedHashMap<>();
        out.get("hour").forEach((k, v) -> hours.put(Instant.ofEpochMilli(Long.parseLong(k)).toString(), v));
        out.put("hour", hours);
        return out;
    }

    /** Deletes what is older than the cutoff (log.retention); returns how many decisions went. */
    public int purgeBefore(Instant cutoff) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement r = c.prepareStatement("DELETE FROM decision_rcpt WHERE decision_id IN "
                    + "(SELECT id FROM decision WHERE at < ?)");
                 PreparedStatement d = c.prepareStatement("DELETE FROM decision WHERE at < ?")) {
                r.setLong(1, cutoff.toEpochMilli());
                r.executeUpdate();
                d.setLong(1, cutoff.toEpochMilli());
                int n = d.executeUpdate();
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The newest decision's id, and the lines after an id: for following the log. */
    public long lastId() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT MAX(id) FROM decision");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The transactions decided within [from, until), after id {@code afterId}, in id order, at most {@code limit}: for paging through a day. */
    public List<Map.Entry<Long, String>> transactions(Instant from, Instant until, long afterId, int limit) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT id, record FROM decision WHERE event = 'transaction' "
                + "AND at >= ? AND at < ? AND id > ? ORDER BY id LIMIT " + limit)) {
            s.setLong(1, from.toEpochMilli());
            s.setLong(2, until.toEpochMilli());
            s.setLong(3, afterId);
            List<Map.Entry<Long, String>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getLong(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    public List<Map.Entry<Long, String>> after(long id, int limit) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, record FROM decision WHERE id > ? ORDER BY id LIMIT " + limit)) {
            s.setLong(1, id);
            List<Map.Entry<Long, String>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getLong(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    private Map<String, Long> count(Filter f, String column) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + column + " AS k, COUNT(*) FROM decision d WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(f, sql, args);
        sql.append(" GROUP BY ").append(column).append(" ORDER BY COUNT(*) DESC");
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(String.valueOf(rs.getObject(1)), rs.getLong(2));
                }
            }
        }
        if (column.startsWith("(")) {
            Map<String, Long> sorted = new java.util.TreeMap<>(java.util.Comparator.comparingLong(Long::parseLong));
            sorted.putAll(out);
            return new LinkedHashMap<>(sorted);
        }
        return out;
    }

    private void where(Filter f, StringBuilder sql, List<Object> args) {
        if (f.since() != null) {
            sql.append(" AND d.at >= ?");
            args.add(f.since().toEpochMilli());
        }
        if (f.until() != null) {
            sql.append(" AND d.at < ?");
            args.add(f.until().toEpochMilli());
        }
        if (f.client() != null) {
            sql.append(" AND d.client = ?");
            args.add(f.client());
        }
        if (f.sender() != null && f.sender().startsWith("@")) {
            // "@example.org": every sender of that domain
            sql.append(" AND d.sender LIKE ? ESCAPE '!'");
            args.add("%" + lower(f.sender()).replace("!", "!!").replace("%", "!%").replace("_", "!_"));
        } else if (f.sender() != null) {
            sql.append(" AND d.sender = ?");
            args.add(lower(addresses.apply(f.sender())));
        }
        if (f.queueId() != null) {
            sql.append(" AND d.queue_id = ?");
            args.add(f.queueId());
        }
        if (f.verdict() != null) {
            sql.append(" AND d.verdict = ?");
            args.add(f.verdict());
        }
        if (f.rule() != null) {
            sql.append(" AND d.decided_by = ?");
            args.add(f.rule());
        }
        if (f.recipient() != null) {
            sql.append(" AND d.id IN (SELECT decision_id FROM decision_rcpt WHERE address = ?)");
            args.add(lower(addresses.apply(net.portcullis.policy.MailAddress.bare(f.recipient()))));
        }
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                s.setLong(i + 1, l);
            } else {
                s.setString(i + 1, (String) a);
            }
        }
    }

    private static List<String> lines(PreparedStatement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    }
}
