package net.portcullis.gateway.review;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logged-in sessions and the throttle on logins. Sessions live in this process's memory: a
 * restart logs reviewers out, and behind a load balancer the review page wants stickiness (or
 * one gateway that serves it). They end after review.session_idle without a request, and after
 * 12 hours whatever happens.
 */
final class ReviewSessions {
    static final Duration LONGEST = Duration.ofHours(12);
    /** Failed logins per client address, and per account, in a quarter of an hour. */
    static final int FAILURES_PER_ADDRESS = 10;
    static final int FAILURES_PER_ACCOUNT = 30;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Cache<String, Session> sessions;
    private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(15))
            .maximumSize(100_000).build();

    /** One message per session for the page after an action's redirect ("allowlisted …"): kind and text. */
    private final Cache<String, String[]> flashes = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(5)).maximumSize(10_000).build();

    void flash(Session s, String kind, String text) {
        flashes.put(s.id(), new String[] {kind, text});
    }

    /** The message left for this session, once; null when none. */
    String[] takeFlash(Session s) {
        return flashes.asMap().remove(s.id());
    }

    ReviewSessions(Duration idle) {
        sessions = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(10_000).build();
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    Session open(String account, String role) {
        Session s = new Session(token(), account, role, token(), Instant.now());
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of a cookie value, or null. */
    Session find(String id) {
        if (id == null) {
            return null;
        }
        Session s = sessions.getIfPresent(id);
        if (s != null && s.started().plus(LONGEST).isBefore(Instant.now())) {
            sessions.invalidate(id);
            return null;
        }
        return s;
    }

    void close(String id) {
        sessions.invalidate(id);
    }

    /** True while this address, and this account name, may try a password. */
    boolean mayTry(InetAddress from, String account) {
        AtomicInteger a = failures.getIfPresent("ip " + from.getHostAddress());
        AtomicInteger n = failures.getIfPresent("name " + account);
        return (a == null || a.get() < FAILURES_PER_ADDRESS) && (n == null || n.get() < FAILURES_PER_ACCOUNT);
    }

    void failed(InetAddress from, String account) {
        failures.get("ip " + from.getHostAddress(), k -> new AtomicInteger()).incrementAndGet();
        failures.get("name " + account, k -> new AtomicInteger()).incrementAndGet();
    }
}
