package net.portcullis.policy.consent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Consent as the gateway asks for it, per (recipient, authenticated sender): from an in-memory
 * cache whose entries live {@code refresh} at most (Caffeine), else from the store with one
 * indexed query. A revocation recorded anywhere in the fleet therefore takes effect within
 * {@code refresh}. The most recent decisive event among the matching pairs (address or domain
 * on either side) decides: a revocation wins over any older grant.
 */
public final class ConsentBook {
    public record Decision(ConsentState.Status status, ConsentState state, String identity) {
        public boolean granted() {
            return status == ConsentState.Status.ACTIVE;
        }
    }

    private final ConsentStore store;
    private final Clock clock;
    private final Cache<String, Decision> cache;
    private final Duration refresh;
    private volatile Set<String> bulkSenders = Set.of();
    private volatile long bulkLoaded;

    public ConsentBook(ConsentStore store, Duration refresh, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.refresh = refresh;
        this.cache = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(refresh).maximumSize(1_000_000).build();
    }

    /**
     * @param identity the sender identity that was authenticated (SPF pass domain or aligned DKIM
     *                 domain); null: unauthenticated mail has no consent to borrow
     */
    public Decision lookup(String recipient, String identity, String senderAddress) throws SQLException {
        if (identity == null) {
            return new Decision(ConsentState.Status.NONE, null, null);
        }
        String rcpt = recipient.toLowerCase(Locale.ROOT);
        String id = identity.toLowerCase(Locale.ROOT);
        String addr = senderAddress == null ? "" : senderAddress.toLowerCase(Locale.ROOT);
        String key = rcpt + "\u0000" + id + "\u0000" + addr;
        Decision d = cache.getIfPresent(key);
        if (d == null) {
            d = load(rcpt, id, addr);
            cache.put(key, d);
        }
        return d;
    }

    private Decision load(String rcpt, String identity, String senderAddress) throws SQLException {
        List<String> recipients = new ArrayList<>(List.of(rcpt));
        if (rcpt.contains("@")) {
            recipients.add(rcpt.substring(rcpt.lastIndexOf('@') + 1));
        }
        List<String> senders = new ArrayList<>(List.of(identity));
        if (senderAddress.endsWith("@" + identity)) {
            senders.add(senderAddress); // a record for one address of the authenticated domain
        }
        Map<String, List<ConsentEvent>> byPair = new LinkedHashMap<>();
        String sql = "SELECT id, recipient, sender, action, method, evidence, actor, at, valid_until FROM consent_event "
                + "WHERE recipient IN (" + marks(recipients.size()) + ") AND sender IN (" + marks(senders.size()) + ") ORDER BY at, id";
        try (Connection c = store.database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            for (String r : recipients) {
                s.setString(i++, r);
            }
            for (String x : senders) {
                s.setString(i++, x);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long until = r.getLong(9);
                    boolean none = r.wasNull();
                    ConsentEvent e = new ConsentEvent(r.getLong(1), r.getString(2), r.getString(3),
                            ConsentEvent.Action.valueOf(r.getString(4).toUpperCase(Locale.ROOT)), r.getString(5), r.getString(6),
                            r.getString(7), Instant.ofEpochMilli(r.getLong(8)), none ? null : Instant.ofEpochMilli(until));
                    byPair.computeIfAbsent(e.recipient() + "\u0000" + e.sender(), k -> new ArrayList<>()).add(e);
                }
            }
        }
        Instant now = clock.instant();
        ConsentState best = null;
        for (List<ConsentEvent> events : byPair.values()) {
            ConsentState st = ConsentState.derive(events.get(0).recipient(), events.get(0).sender(), events, now);
            if (st.decidedBy() == null) {
                continue;
            }
            if (best == null || newer(st.decidedBy(), best.decidedBy())) {
                best = st;
            }
        }
        return best == null ? new Decision(ConsentState.Status.NONE, null, identity) : new Decision(best.status(), best, identity);
    }

    private static boolean newer(ConsentEvent a, ConsentEvent b) {
        int t = a.at().compareTo(b.at());
        if (t != 0) {
            return t > 0;
        }
        boolean aRevokes = a.action() == ConsentEvent.Action.REVOKE;
        boolean bRevokes = b.action() == ConsentEvent.Action.REVOKE;
        if (aRevokes != bRevokes) {
            return aRevokes; // recorded at the same instant: the revocation wins
        }
        return a.id() > b.id();
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Whether the domain (or a parent of it) is a registered bulk sender; the registry is reloaded every refresh. */
    public boolean isBulkSender(String domain) throws SQLException {
        if (domain == null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - bulkLoaded > refresh.toNanos() || bulkLoaded == 0) {
            bulkSenders = new HashSet<>(store.bulkSenders());
            bulkLoaded = now;
        }
        Set<String> registered = bulkSenders;
        return net.portcullis.policy.DomainSuffixes.find(domain, d -> registered.contains(d) ? d : null) != null;
    }
}
