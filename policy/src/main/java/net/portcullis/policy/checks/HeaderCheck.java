package net.portcullis.policy.checks;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.portcullis.policy.Addresses;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Header sanity (RFC 5322): one From, a Date and a Message-ID, a Date not far off, a display
 * name that does not pose as another address, no Received field claiming to be one of our own
 * hosts on mail from outside (a forged internal hop), and no malformed header lines.
 */
public final class HeaderCheck implements Check {
    private static final Pattern ADDRESS_IN_TEXT = Pattern.compile("[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)");
    private static final Pattern BY_CLAUSE = Pattern.compile("(?i)\\bby\\s+([A-Za-z0-9.-]+)");
    // Compiled once: compiling these for every message (twelve regular expressions and five date
    // patterns) was 2.5% of the gateway's CPU in bench/profile.sh.
    private static final Pattern COMMENT = Pattern.compile("\\([^)]*\\)");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern UNIVERSAL_ZONE = Pattern.compile("(?i)\\b(UT|GMT|Z)$");
    /** RFC 5322's obsolete North American zone names (section 4.3), case as written there. */
    private static final Pattern US_ZONE = Pattern.compile("\\b(EDT|EST|CDT|CST|MDT|MST|PDT|PST)$");
    private static final java.util.Map<String, String> US_OFFSETS = java.util.Map.of("EDT", "-0400", "EST", "-0500",
            "CDT", "-0500", "CST", "-0600", "MDT", "-0600", "MST", "-0700", "PDT", "-0700", "PST", "-0800");
    private static final List<DateTimeFormatter> DATE_FORMS = List.of(
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH),
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss Z", Locale.ENGLISH),
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm Z", Locale.ENGLISH),
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm Z", Locale.ENGLISH),
            // RFC 5322 4.3: a two-digit year 00-49 is 20xx, 50-99 is 19xx ("yy" alone would make 91 2091)
            new java.time.format.DateTimeFormatterBuilder().appendPattern("EEE, d MMM ")
                    .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, 1950).appendPattern(" HH:mm:ss Z")
                    .toFormatter(Locale.ENGLISH));

    private final String hostname;
    private final Set<String> domains;
    private final Clock clock;

    public HeaderCheck(String hostname, Set<String> domains, Clock clock) {
        this.hostname = hostname.toLowerCase(Locale.ROOT);
        this.domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.clock = clock;
    }

    private static final Spec SPEC = Spec.inline("headers", Stage.DATA, List.of(
                new SignalSpec("header.from_count", Type.NUMBER, Stage.DATA, "number of From fields (RFC 5322 wants exactly one)", "1"),
                new SignalSpec("header.has_date", Type.BOOL, Stage.DATA, "a Date field is present", "true"),
                new SignalSpec("header.has_message_id", Type.BOOL, Stage.DATA, "a Message-ID field is present", "true"),
                new SignalSpec("header.date_offset_hours", Type.NUMBER, Stage.DATA, "Date minus now, in hours (negative: "
                        + "in the past); absent when Date is missing or unreadable", "-2"),
                new SignalSpec("header.date_valid", Type.BOOL, Stage.DATA, "the Date field parses as an RFC 5322 date", "true"),
                new SignalSpec("header.from_display_spoof", Type.BOOL, Stage.DATA, "the From display name holds an address of "
                        + "another domain than the real one (\"service@bank.example\" <x@evil.example>)", "false"),
                new SignalSpec("header.forged_received", Type.BOOL, Stage.DATA, "a Received field claims one of our hosts "
                        + "although the client is neither trusted nor authenticated", "false"),
                new SignalSpec("header.from_valid", Type.BOOL, Stage.DATA, "exactly one From field holding exactly one "
                        + "address with a syntactically valid domain (RFC 7489 6.6.1)", "true"),
                new SignalSpec("header.malformed", Type.NUMBER, Stage.DATA, "header lines that are not header fields", "0")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        MessageFacts m = e.message();
        List<Signal> out = new ArrayList<>();
        List<String> froms = m.all("From");
        out.add(new Signal("header.from_count", (long) froms.size(), froms.size() + " From field(s)"));
        String author = Addresses.authorDomain(froms);
        out.add(Signal.of("header.from_valid", author != null, author != null ? "author domain " + author
                : froms.size() == 1 ? "From: " + froms.get(0) + " is not exactly one address with a valid domain"
                : froms.size() + " From fields"));
        String date = m.first("Date");
        out.add(Signal.of("header.has_date", date != null, date == null ? "no Date field" : "Date: " + date));
        String id = m.first("Message-ID");
        out.add(Signal.of("header.has_message_id", id != null, id == null ? "no Message-ID field" : "Message-ID: " + id));
        if (date != null) {
            ZonedDateTime when = parseDate(date);
            out.add(Signal.of("header.date_valid", when != null, when == null ? "unreadable Date: " + date : "parsed " + when));
            if (when != null) {
                long hours = Duration.between(clock.instant(), when.toInstant()).toHours();
                out.add(new Signal("header.date_offset_hours", hours, "Date " + date + " is " + hours + " h from now"));
            }
        }
        boolean spoof = false;
        String spoofWhy = "display name holds no other address";
        for (String f : froms) {
            for (Addresses.Mailbox b : Addresses.parse(f)) {
                Matcher x = ADDRESS_IN_TEXT.matcher(b.display());
                while (x.find()) {
                    String shown = x.group(1).toLowerCase(Locale.ROOT);
                    if (!shown.equals(b.domain())) {
                        spoof = true;
                        spoofWhy = "display name shows " + x.group() + " but the address is " + b.address();
                    }
                }
            }
        }
        out.add(Signal.of("header.from_display_spoof", spoof, spoofWhy));
        boolean insider = Boolean.TRUE.equals(e.earlier("client.trusted")) || Boolean.TRUE.equals(e.earlier("client.authenticated"));
        String forged = null;
        if (!insider) {
            for (String r : m.all("Received")) {
                Matcher by = BY_CLAUSE.matcher(r);
                if (by.find() && ours(by.group(1))) {
                    forged = "Received ... by " + by.group(1) + " from an outside client";
                    break;
                }
            }
        }
        out.add(Signal.of("header.forged_received", forged != null, forged != null ? forged
                : insider ? "client is trusted or authenticated" : "no Received field claims our hosts"));
        out.add(new Signal("header.malformed", (long) m.malformedLines(), m.malformedLines() + " malformed header line(s)"));
        return out;
    }

    private boolean ours(String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (h.equals(hostname)) {
            return true;
        }
        for (String d : domains) {
            if (h.equals(d) || h.endsWith("." + d)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 5322 dates, with the obsolete forms real mail still carries (comments, missing seconds, zone names). */
    static ZonedDateTime parseDate(String raw) {
        String d = SPACES.matcher(COMMENT.matcher(raw).replaceAll(" ")).replaceAll(" ").strip();
        d = UNIVERSAL_ZONE.matcher(d).replaceAll("+0000");
        Matcher us = US_ZONE.matcher(d);
        if (us.find()) {
            d = d.substring(0, us.start()) + US_OFFSETS.get(us.group(1));
        }
        for (DateTimeFormatter form : DATE_FORMS) {
            try {
                return ZonedDateTime.parse(d, form);
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        return null;
    }
}
