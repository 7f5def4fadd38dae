package net.portcullis.policy.rate;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.rules.Stage;

/**
 * The rate limits: what is counted, per what, how many per window. The gateway reports each event
 * (a connection, a MAIL, a RCPT, a refused recipient, a message's bytes) as it happens; the
 * rate check reads the levels as signals, and rules decide what being over a limit means.
 */
public final class RateLimits implements AutoCloseable {
    /** Whose events a limit counts. */
    public enum Subject {
        CLIENT, NETWORK, SENDER_DOMAIN, AUTH_USER, RECIPIENT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a limit counts. */
    public enum Count {
        CONNECTIONS, MESSAGES, RECIPIENTS, REFUSED_RECIPIENTS, BYTES;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One limit: at most {@code max} {@code count} per {@code subject} in {@code window}. */
    public record Limit(Subject subject, Count count, long max, Duration window) {
        /** The signal prefix, e.g. {@code rate.client.messages}. */
        public String signal() {
            return "rate." + subject.word() + "." + count.word();
        }

        /**
         * Whether it counts delivered mail rather than attempts: the subjects others share (a
         * sender domain, an AUTH user, a recipient). Its level does not include the event being
         * decided, so it is over when one more would pass the maximum.
         */
        public boolean countsDelivered() {
            return subject == Subject.SENDER_DOMAIN || subject == Subject.AUTH_USER || subject == Subject.RECIPIENT;
        }

        /** Past the maximum, given the level read at the decision. */
        public boolean over(double level) {
            return countsDelivered() ? level + 1 > max : level > max;
        }

        /** The bucket's name within its subject: what it counts, over which window. */
        public String bucket() {
            return count.word() + "/" + window.toSeconds();
        }

        /** When its level is known: the stage of the event it counts. */
        public Stage stage() {
            return switch (count) {
                case CONNECTIONS -> Stage.CONNECT;
                case MESSAGES -> subject == Subject.RECIPIENT ? Stage.RCPT : Stage.MAIL;
                case RECIPIENTS, REFUSED_RECIPIENTS -> Stage.RCPT;
                case BYTES -> Stage.DATA;
            };
        }

        /** Whether the pair makes sense (a recipient has messages, not connections). */
        public static boolean valid(Subject s, Count c) {
            return switch (c) {
                case CONNECTIONS, REFUSED_RECIPIENTS -> s == Subject.CLIENT || s == Subject.NETWORK;
                case MESSAGES -> true;
                case RECIPIENTS, BYTES -> s != Subject.RECIPIENT;
            };
        }
    }

    /**
     * @param v4Prefix   and {@code v6Prefix}: how wide a client's network is (/24 and /64 by default)
     * @param maxTracked how many subjects (clients, networks, domains, …) are counted at most; the
     *                   least recently seen go first (about 530 bytes each)
     */
    public record Config(int v4Prefix, int v6Prefix, List<Limit> limits, long maxTracked) {
        public Config(int v4Prefix, int v6Prefix, List<Limit> limits) {
            this(v4Prefix, v6Prefix, limits, 200_000);
        }

        public static Config none() {
            return new Config(24, 64, List.of());
        }
    }

    /** What is known of the transaction when an event is counted or a level read; null where not known yet. */
    public record Who(InetAddress client, String sender, String authUser, String recipient) { }

    private final Config config;
    private final RateCounters counters;

    public RateLimits(Config config, RateCounters counters) {
        this.config = config;
        this.counters = counters;
    }

    public Config config() {
        return config;
    }

    public List<Limit> limits() {
        return config.limits();
    }

    /** A connection from this address (counted before any other decision on it). */
    public void connection(InetAddress client) {
        count(new Who(client, null, null, null), l -> l.count() == Count.CONNECTIONS, 1);
    }

    /** A MAIL command: a message attempt, for the client and its network. */
    public void mail(Who who) {
        count(who, l -> l.count() == Count.MESSAGES && !l.countsDelivered(), 1);
    }

    /** A RCPT command: a recipient attempt, for the client and its network. */
    public void recipient(Who who) {
        count(who, l -> l.count() == Count.RECIPIENTS && !l.countsDelivered(), 1);
    }

    /** A recipient refused, by the policy or by the mail server (a dictionary attack's trace). */
    public void refused(Who who) {
        count(who, l -> l.count() == Count.REFUSED_RECIPIENTS, 1);
    }

    /** A message's octets once received, for the client and its network. */
    public void bytes(Who who, long octets) {
        count(who, l -> l.count() == Count.BYTES && !l.countsDelivered(), octets);
    }

    /**
     * A message the mail server took (or held): counted for the sender's domain, the AUTH user
     * and each recipient. These subjects are shared with others — a flood that forges a sender
     * domain, or aims at one mailbox, must not use up their limits with mail it never delivered.
     */
    public void delivered(Who who, List<String> recipients, long octets) {
        count(who, l -> l.countsDelivered() && l.subject() != Subject.RECIPIENT, l -> switch (l.count()) {
            case MESSAGES -> 1;
            case RECIPIENTS -> recipients.size();
            case BYTES -> octets;
            default -> 0;
        });
        for (String r : recipients) {
            count(new Who(who.client(), who.sender(), who.authUser(), r), l -> l.subject() == Subject.RECIPIENT, l -> 1);
        }
    }

    private void count(Who who, java.util.function.Predicate<Limit> which, long amount) {
        count(who, which, l -> amount);
    }

    private void count(Who who, java.util.function.Predicate<Limit> which, java.util.function.ToLongFunction<Limit> amount) {
        for (Limit l : config.limits()) {
            if (which.test(l)) {
                String subject = subject(l, who);
                long n = amount.applyAsLong(l);
                if (subject != null && n > 0) {
                    counters.add(subject, l.bucket(), l.max(), l.window(), n);
                }
            }
        }
    }

    /** The level of one limit for this subject now; -1 when the subject is not known (no AUTH, the null sender). */
    public double level(Limit l, Who who) {
        String subject = subject(l, who);
        return subject == null ? -1 : counters.level(subject, l.bucket(), l.max(), l.window());
    }

    /** Whose bucket: the subject kind and value, e.g. {@code client|203.0.113.5}; null when not known. */
    String subject(Limit l, Who who) {
        String subject = switch (l.subject()) {
            case CLIENT -> who.client() == null ? null : who.client().getHostAddress();
            case NETWORK -> who.client() == null ? null : network(who.client());
            case SENDER_DOMAIN -> who.sender() == null || who.sender().lastIndexOf('@') < 0 ? null
                    : who.sender().substring(who.sender().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            case AUTH_USER -> who.authUser();
            case RECIPIENT -> who.recipient() == null ? null : net.portcullis.policy.MailAddress.bare(who.recipient()).toLowerCase(Locale.ROOT);
        };
        return subject == null ? null : l.subject().word() + "|" + subject;
    }

    /** The client's network: its address with the host bits cleared, as CIDR text. */
    String network(InetAddress a) {
        return ClientNetwork.of(a, config.v4Prefix(), config.v6Prefix());
    }

    /** Where the levels live (for their metrics). */
    public RateCounters counters() {
        return counters;
    }

    @Override
    public void close() throws Exception {
        if (counters instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** The limits whose levels are signals at this stage. */
    public List<Limit> at(Stage stage) {
        List<Limit> out = new ArrayList<>();
        for (Limit l : config.limits()) {
            if (l.stage() == stage) {
                out.add(l);
            }
        }
        return out;
    }
}
