package net.portcullis.gateway.log;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.store.DecisionStore;

/**
 * The search of the decision log as {@code portcullis log query} and the review page take it:
 * one reading of times and verdicts for both, so the page finds what the command finds.
 */
public final class DecisionFilters {
    public static final List<String> VERDICTS = List.of("accepted", "rejected", "tempfail", "held", "aborted");
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private DecisionFilters() {
    }

    /**
     * Blank values match everything. {@code name} prefixes the error of a bad value (an option
     * like {@code --since}, or a form field's name).
     *
     * @throws IllegalArgumentException naming the value that is wrong and what was expected
     */
    public static DecisionStore.Filter of(String prefix, String since, String until, String client, String sender, String rcpt,
                                          String verdict, String rule, int limit) {
        String v = blank(verdict);
        if (v != null && !VERDICTS.contains(v)) {
            throw new IllegalArgumentException(prefix + "verdict '" + verdict + "': expected " + String.join(", ", VERDICTS));
        }
        if (limit < 1) {
            throw new IllegalArgumentException(prefix + "limit must be at least 1");
        }
        return new DecisionStore.Filter(time(prefix + "since", since), time(prefix + "until", until), blank(client), blank(sender),
                blank(rcpt), v, blank(rule), limit);
    }

    /** "2h" (ago), "30m", "7d", "45s", or an ISO instant; null when blank. */
    public static Instant time(String name, String value) {
        if (blank(value) == null) {
            return null;
        }
        Matcher m = AGO.matcher(value.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().minus(d);
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " '" + value + "': expected 2h, 30m, 7d or an instant like 2026-11-24T08:00:00Z");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
