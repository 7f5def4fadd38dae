package net.portcullis.policy.reputation;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What reputation is made of. A subject has a bad and a good total: spam reports and refusals
 * add to the bad, "not spam" reports and delivered mail to the good, and both halve every
 * half-life, so an address reassigned to a new customer, or a sender that mended its ways, is
 * not judged by last year (rspamd dropped its IP score for want of such a decay). Its value is
 * (bad - good) / (bad + good + 1): in (-1, 1), 0 for a stranger, near 1 for a steady source of
 * complaints, near -1 for a steady source of wanted mail; the +1 keeps one event from reading
 * as certainty.
 */
public final class Reputation {
    private Reputation() {
    }

    public enum Kind {
        CLIENT, NETWORK, SENDER_DOMAIN, LINK;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Key(Kind kind, String subject) { }

    /** Totals as of {@code at}. */
    public record Score(double bad, double good, Instant at) {
        public static final Score NONE = new Score(0, 0, Instant.EPOCH);

        /** The totals as they stand at {@code now}: each halved for every half-life since {@code at}. */
        public Score decayedTo(Instant now, Duration halfLife) {
            if (!now.isAfter(at) || (bad == 0 && good == 0)) {
                return new Score(bad, good, now);
            }
            double f = Math.pow(0.5, (double) Duration.between(at, now).toMillis() / halfLife.toMillis());
            return new Score(bad * f, good * f, now);
        }

        public Score plus(double moreBad, double moreGood) {
            return new Score(bad + moreBad, good + moreGood, at);
        }

        public double value() {
            return (bad - good) / (bad + good + 1);
        }
    }
}
