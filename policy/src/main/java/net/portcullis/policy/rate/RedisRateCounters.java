package net.portcullis.policy.rate;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate levels in Redis, shared by a fleet of gateways: one hash per subject, two fields per
 * bucket (level, time), updated by one Lua script so that concurrent gateways never lose an
 * event; the time is Redis's own, so the gateways' clocks do not matter. Every command has the
 * deadline {@code timeout}. When Redis cannot be reached, counting is skipped (counted in
 * {@link #failures()}, logged once a minute) and reading a level either gives 0 (fail open: mail
 * flows) or throws (fail closed: the rules reading it fail temporarily, 451).
 */
public final class RedisRateCounters implements RateCounters, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateCounters.class);
    // KEYS[1] the subject's hash; ARGV: bucket, max, window ms, amount, ttl ms
    private static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local lv = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. ':l') or '0')
            local at = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. ':t') or tostring(now))
            local d = now - at
            if d < 0 then d = 0 end
            lv = lv - d * tonumber(ARGV[2]) / tonumber(ARGV[3])
            if lv < 0 then lv = 0 end
            local amount = tonumber(ARGV[4])
            if amount > 0 then
              lv = lv + amount
              redis.call('HSET', KEYS[1], ARGV[1] .. ':l', tostring(lv), ARGV[1] .. ':t', tostring(now))
              redis.call('PEXPIRE', KEYS[1], ARGV[5])
            end
            return tostring(lv)
            """;

    private final net.portcullis.policy.redis.RedisLink redis;
    private final String prefix;
    private final boolean failOpen;
    private final boolean ownsLink;
    private final AtomicLong failures = new AtomicLong();
    private volatile String sha;
    private volatile long lastLog;

    /**
     * @param prefix   of every key: one per fleet (or per test)
     * @param failOpen whether a level that cannot be read is 0 (true) or an error (false)
     */
    public RedisRateCounters(String url, String prefix, Duration timeout, boolean failOpen) {
        this(new net.portcullis.policy.redis.RedisLink(url, timeout), true, prefix, failOpen);
    }

    /** On a link the caller owns (and closes): one connection for all of a gateway's shared state. */
    public RedisRateCounters(net.portcullis.policy.redis.RedisLink link, String prefix, boolean failOpen) {
        this(link, false, prefix, failOpen);
    }

    private RedisRateCounters(net.portcullis.policy.redis.RedisLink link, boolean owned, String prefix, boolean failOpen) {
        this.redis = link;
        this.ownsLink = owned;
        this.prefix = prefix;
        this.failOpen = failOpen;
    }

    @Override
    public double add(String subject, String limit, long max, Duration window, long amount) {
        try {
            return run(subject, limit, max, window, amount);
        } catch (RedisException e) {
            failed(e);
            return 0; // counting never stops mail: an event not counted is the lesser harm
        }
    }

    @Override
    public double level(String subject, String limit, long max, Duration window) {
        try {
            return run(subject, limit, max, window, 0);
        } catch (RedisException e) {
            failed(e);
            if (failOpen) {
                return 0;
            }
            throw new IllegalStateException("rate levels unavailable (Redis: " + e.getMessage() + ")", e);
        }
    }

    /** Events not counted, or levels not read, because Redis could not be reached. */
    public long failures() {
        return failures.get();
    }

    private double run(String subject, String limit, long max, Duration window, long amount) {
        RedisCommands<String, String> r = redis.sync();
        String[] args = {limit, Long.toString(max), Long.toString(Math.max(1, window.toMillis())), Long.toString(amount),
                Long.toString(window.toMillis() * 2 + 60_000)};
        String[] key = {prefix + subject};
        if (sha == null) {
            sha = r.scriptLoad(SCRIPT);
        }
        Object v;
        try {
            v = r.evalsha(sha, ScriptOutputType.VALUE, key, args);
        } catch (RedisNoScriptException e) {
            sha = r.scriptLoad(SCRIPT); // Redis restarted and forgot the script
            v = r.evalsha(sha, ScriptOutputType.VALUE, key, args);
        }
        return Double.parseDouble(String.valueOf(v));
    }

    private void failed(RedisException e) {
        failures.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastLog > 60_000) {
            lastLog = now;
            LOG.warn("Redis unavailable for rate levels ({}): counting skipped, levels read as {} ({} so far)", e.getMessage(),
                    failOpen ? "0 (fail open)" : "unavailable (fail closed: 451)", failures.get());
        }
    }

    @Override
    public void close() {
        if (ownsLink) {
            redis.close();
        }
    }
}
