package net.portcullis.policy.rate;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
public final class RateLimits {
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

    /** @param v4Prefix and {@code v6Prefix}: how wide a client's network is (/24 and /64 by default) */
    public record Config(int v4Prefix, int v6Prefix, List<Limit> limits) {
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

    /** A MAIL command: a message, for the client, its network, the sender's domain and the AUTH user. */
    public void mail(Who who) {
        count(who, l -> l.count() == Count.MESSAGES && l.subject() != Subject.RECIPIENT, 1);
    }

    /** A RCPT command: a recipient for the client (and the others), a message for that recipient. */
    public void recipient(Who who) {
        count(who, l -> l.count() == Count.RECIPIENTS || l.count() == Count.MESSAGES && l.subject() == Subject.RECIPIENT, 1);
    }

    /** A recipient refused, by the policy or by the mail server (a dictionary attack's trace). */
    public void refused(Who who) {
        count(who, l -> l.count() == Count.REFUSED_RECIPIENTS, 1);
    }

    /** A message's octets, once received. */
    public void bytes(Who who, long octets) {
        count(who, l -> l.count() == Count.BYTES, octets);
    }

    private void count(Who who, java.util.function.Predicate<Limit> which, long amount) {
        for (Limit l : config.limits()) {
            if (which.test(l)) {
                String key = key(l, who);
                if (key != null) {
                    counters.add(key, l.max(), l.window(), amount);
                }
            }
        }
    }

    /** The level of one limit for this subject now; -1 when the subject is not known (no AUTH, the null sender). */
    public double level(Limit l, Who who) {
        String key = key(l, who);
        return key == null ? -1 : counters.level(key, l.max(), l.window());
    }

    /** The bucket's key: limit and subject, e.g. {@code client.messages/1h|203.0.113.5}. */
    String key(Limit l, Who who) {
        String subject = switch (l.subject()) {
            case CLIENT -> who.client() == null ? null : who.client().getHostAddress();
            case NETWORK -> who.client() == null ? null : network(who.client());
            case SENDER_DOMAIN -> who.sender() == null || who.sender().lastIndexOf('@') < 0 ? null
                    : who.sender().substring(who.sender().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            case AUTH_USER -> who.authUser();
            case RECIPIENT -> who.recipient() == null ? null : bare(who.recipient()).toLowerCase(Locale.ROOT);
        };
        return subject == null ? null : l.subject().word() + "." + l.count().word() + "/" + l.window().toSeconds() + "|" + subject;
    }

    /** The client's network: its address with the host bits cleared, as CIDR text. */
    String network(InetAddress a) {
        int bits = a instanceof Inet4Address ? config.v4Prefix() : config.v6Prefix();
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a valid length, always
        }
    }

    private static String bare(String path) {
        String p = path.strip();
        return p.startsWith("<") && p.endsWith(">") ? p.substring(1, p.length() - 1) : p;
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
