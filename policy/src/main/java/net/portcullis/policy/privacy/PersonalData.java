package net.portcullis.policy.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.store.Database;
import net.portcullis.policy.store.HoldStore;

/**
 * A person's data in the store, for subject access and erasure (GDPR Art. 15 and 17, PIPL Art.
 * 45 and 47): every decision naming the address as sender or recipient, every consent event of
 * it, every report it made, held mail to or from it, list entries and review actions naming it.
 * Erasure replaces the address with a pseudonym ({@code erased-<random hash>@domain}, the same
 * within one erasure, so counts still add up and nothing links it back) in decisions, reports,
 * held-mail metadata and review actions, and deletes held mail it alone was to receive. Consent
 * events are kept: they are the evidence that mail to the address was allowed (and a revocation
 * must keep refusing); list entries are kept: a blacklisting is the provider's legitimate
 * interest. Both are said in the erasure's summary.
 */
public final class PersonalData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;
    private final HoldStore holds;
    private Pseudonyms pseudonyms;

    /** With log.pseudonymise on, decisions name the address by its pseudonyms: found (and erased) by those too. */
    public PersonalData withPseudonyms(Pseudonyms p) {
        this.pseudonyms = p;
        return this;
    }

    /** The address, and its pseudonyms under every key when decisions are pseudonymised. */
    private List<String> aliases(String a) {
        List<String> out = new ArrayList<>();
        out.add(a);
        if (pseudonyms != null) {
            out.addAll(pseudonyms.candidates(a));
        }
        return out;
    }

    /** @param holds the held mail (its files are deleted with their rows); null when none is kept */
    public PersonalData(Database db, HoldStore holds) {
        this.db = db;
        this.holds = holds;
    }

    /** Everything stored about the address, by kind, as JSON-ready maps. */
    public Map<String, Object> export(String address) throws SQLException, IOException {
        String a = address.strip().toLowerCase(Locale.ROOT);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", a);
        List<Object> decisions = new ArrayList<>();
        for (String alias : aliases(a)) {
            for (Map<String, Object> row : rows("SELECT record FROM decision WHERE lower(sender) = ? OR id IN "
                    + "(SELECT decision_id FROM decision_rcpt WHERE address = ?) ORDER BY at, id", alias, alias)) {
                decisions.add(JSON.readValue(String.valueOf(row.get("record")), Map.class));
            }
        }
        out.put("decisions", decisions);
        out.put("consent_events", rows("SELECT recipient, sender, action, method, evidence, actor, at, valid_until FROM consent_event "
                + "WHERE lower(recipient) = ? OR lower(sender) = ? ORDER BY at, id", a, a));
        Pattern literal = exactly(a);
        List<Map<String, Object>> reports = new ArrayList<>();
        for (Map<String, Object> r : rows("SELECT reporter, complainants, received_at, feedback_type, source_ip, sender_domain, message_id, ref, "
                + "uncounted FROM report WHERE lower(reporter) = ? OR complainants LIKE ? ORDER BY received_at, id", a, "%" + a + "%")) {
            if (a.equals(String.valueOf(r.get("reporter")).toLowerCase(Locale.ROOT)) || literal.matcher(String.valueOf(r.get("complainants"))).find()) {
                reports.add(r);
            }
        }
        out.put("reports_made", reports);
        out.put("held_mail", rows("SELECT ref, held_at, sender, recipients, size, rule, reason, expires_at, state FROM held_message "
                + "WHERE lower(sender) = ? OR (' ' || lower(recipients) || ' ') LIKE ? ORDER BY held_at", a, "% " + a + " %"));
        out.put("list_entries", rows("SELECT color, kind, value, reason, source, created_at, expires_at FROM list_entry "
                + "WHERE kind = 'address' AND lower(value) = ?", a));
        out.put("review_actions", naming(rows("SELECT at, account, action, target, reason, outcome FROM review_action WHERE lower(target) LIKE ? "
                + "ORDER BY at, id", "%" + a + "%"), "target", literal));
        return out;
    }

    /** What an erasure changed, and what it kept and why. */
    public record Erased(String pseudonym, int decisions, int reports, int heldDeleted, int heldUpdated, int actions,
                         int consentEventsKept, int listEntriesKept) { }

    public Erased erase(String address, String by, Instant at) throws SQLException, IOException {
        String a = address.strip().toLowerCase(Locale.ROOT);
        int atSign = a.lastIndexOf('@');
        if (atSign <= 0 || atSign == a.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not an address (local@domain)");
        }
        String pseudonym = "erased-" + randomHash(a) + a.substring(atSign);
        Pattern literal = exactly(a);
        int decisions = 0;
        int reports = 0;
        int actions = 0;
        List<String> heldAlone = new ArrayList<>();
        int heldUpdated = 0;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                for (String alias : aliases(a)) {
                    Pattern named = exactly(alias);
                    for (Map<String, Object> d : rows(c, "SELECT id, record FROM decision WHERE lower(sender) = ? OR id IN "
                            + "(SELECT decision_id FROM decision_rcpt WHERE address = ?)", alias, alias)) {
                        long id = ((Number) d.get("id")).longValue();
                        update(c, "UPDATE decision SET record = ?, sender = CASE WHEN lower(sender) = ? THEN ? ELSE sender END WHERE id = ?",
                                replace(named, String.valueOf(d.get("record")), pseudonym), alias, pseudonym, id);
                        decisions++;
                    }
                    update(c, "UPDATE decision_rcpt SET address = ? WHERE address = ?", pseudonym, alias);
                }
                for (Map<String, Object> r : rows(c, "SELECT id, reporter, complainants FROM report WHERE lower(reporter) = ? OR complainants LIKE ?",
                        a, "%" + a + "%")) {
                    if (!a.equals(String.valueOf(r.get("reporter")).toLowerCase(Locale.ROOT))
                            && !literal.matcher(String.valueOf(r.get("complainants"))).find()) {
                        continue;
                    }
                    update(c, "UPDATE report SET reporter = ?, complainants = ? WHERE id = ?",
                            replace(literal, String.valueOf(r.get("reporter")), pseudonym),
                            replace(literal, String.valueOf(r.get("complainants")), pseudonym), ((Number) r.get("id")).longValue());
                    reports++;
                }
                for (Map<String, Object> h : rows(c, "SELECT ref, sender, recipients, state FROM held_message WHERE lower(sender) = ? OR "
                        + "(' ' || lower(recipients) || ' ') LIKE ?", a, "% " + a + " %")) {
                    String ref = String.valueOf(h.get("ref"));
                    List<String> rcpts = new ArrayList<>(List.of(String.valueOf(h.get("recipients")).split(" ")));
                    boolean alone = rcpts.stream().allMatch(x -> x.equalsIgnoreCase(a));
                    if (alone && "held".equals(h.get("state"))) {
                        heldAlone.add(ref);
                    }
                    update(c, "UPDATE held_message SET sender = ?, recipients = ? WHERE ref = ?",
                            replace(literal, String.valueOf(h.get("sender")), pseudonym),
                            replace(literal, String.valueOf(h.get("recipients")), pseudonym), ref);
                    update(c, "UPDATE held_recipient SET recipient = ? WHERE ref = ? AND lower(recipient) = ?", pseudonym, ref, a);
                    heldUpdated++;
                }
                for (Map<String, Object> r : naming(rows(c, "SELECT id, target FROM review_action WHERE lower(target) LIKE ?", "%" + a + "%"),
                        "target", literal)) {
                    update(c, "UPDATE review_action SET target = ? WHERE id = ?", replace(literal, String.valueOf(r.get("target")), pseudonym),
                            ((Number) r.get("id")).longValue());
                    actions++;
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        int deleted = 0;
        for (String ref : heldAlone) {
            // its file holds the message, the address in its header: deleted, as the rest of it
            if (holds != null && holds.settle(ref, "deleted", by, at)) {
                deleted++;
            }
        }
        int consent = rows("SELECT id FROM consent_event WHERE lower(recipient) = ? OR lower(sender) = ?", a, a).size();
        int lists = rows("SELECT id FROM list_entry WHERE kind = 'address' AND lower(value) = ?", a).size();
        return new Erased(pseudonym, decisions, reports, deleted, heldUpdated, actions, consent, lists);
    }

    /** The address as a whole word: malice@example.net is not alice@example.net. */
    static Pattern exactly(String address) {
        return Pattern.compile("(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])" + Pattern.quote(address) + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])",
                Pattern.CASE_INSENSITIVE);
    }

    private static List<Map<String, Object>> naming(List<Map<String, Object>> rows, String column, Pattern literal) {
        return rows.stream().filter(r -> r.get(column) != null && literal.matcher(String.valueOf(r.get(column))).find()).toList();
    }

    private static String replace(Pattern literal, String text, String with) {
        return text == null ? null : literal.matcher(text).replaceAll(Matcher.quoteReplacement(with));
    }

    /** A hash of the address with a fresh random salt: the same pseudonym within this erasure, unlinkable after it. */
    private static String randomHash(String a) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(salt);
            return HexFormat.of().formatHex(d.digest(a.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = db.connect()) {
            return rows(c, sql, args);
        }
    }

    private static List<Map<String, Object>> rows(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
