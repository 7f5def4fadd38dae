package net.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * HeaderCheck's Date parser: the forms real mail carries, and the same answers as the first
 * version (kept below as {@link #firstVersion}, which compiled its expressions for every message,
 * with only its reading of two-digit years mended) on every Date header of the test corpus
 * (spamassassin's, arf, DKIM and DMARC samples) and on mutated dates.
 */
class HeaderCheckDateTest {
    @Test
    void theFormsOfRealMail() {
        assertThat(HeaderCheck.parseDate("Mon, 11 Nov 2019 16:26:37 +0100")).isEqualTo("2019-11-11T16:26:37+01:00");
        assertThat(HeaderCheck.parseDate("04 Sep 2002 19:07:34 -0700")).isEqualTo("2002-09-04T19:07:34-07:00");
        assertThat(HeaderCheck.parseDate("Mon, 09 Feb 2004 23:17:44 +0000 (UTC)")).isEqualTo("2004-02-09T23:17:44Z");
        assertThat(HeaderCheck.parseDate("Mon, 09 Feb 04 23:17:44 GMT")).isEqualTo("2004-02-09T23:17:44Z");
        assertThat(HeaderCheck.parseDate("Fri, 24 May 91 10:40:25 EDT")).as("RFC 5322 4.3: 91 is 1991")
                .isEqualTo("1991-05-24T10:40:25-04:00");
        assertThat(HeaderCheck.parseDate("Tue, 1 Jan 2030 00:00 PST")).isEqualTo("2030-01-01T00:00-08:00");
        assertThat(HeaderCheck.parseDate("Tue,   1 Jan 2030\t08:00:00   ut")).isEqualTo("2030-01-01T08:00Z");
        assertThat(HeaderCheck.parseDate("Fri, 7 Dec 2001 07:01:03")).as("no zone").isNull();
        assertThat(HeaderCheck.parseDate("yesterday")).isNull();
        assertThat(HeaderCheck.parseDate("")).isNull();
    }

    @Test
    void theSameAnswersAsTheFirstVersionOnTheCorpusAndOnMutations() throws IOException {
        List<String> dates = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                for (String line : new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).split("\r?\n")) {
                    if (line.regionMatches(true, 0, "Date:", 0, 5)) {
                        dates.add(line.substring(5));
                    }
                }
            }
        }
        assertThat(dates).as("Date headers in the corpus").hasSizeGreaterThan(50);
        Random random = new Random(20261128);
        List<String> all = new ArrayList<>(dates);
        for (String d : dates) {
            for (int i = 0; i < 20; i++) {
                StringBuilder m = new StringBuilder(d);
                int at = m.isEmpty() ? 0 : random.nextInt(m.length());
                switch (random.nextInt(4)) {
                    case 0 -> { if (!m.isEmpty()) m.deleteCharAt(at); }
                    case 1 -> m.insert(at, "()( \t:+-0123456789ESTGMTZut,".charAt(random.nextInt(27)));
                    case 2 -> m.setLength(at);
                    default -> m.append(new String[] {" EST", " (comment)", " Z", " 99", "PST", "gmt"}[random.nextInt(6)]);
                }
                all.add(m.toString());
            }
        }
        for (String d : all) {
            assertThat(HeaderCheck.parseDate(d)).as("Date:%s", d).isEqualTo(firstVersion(d));
        }
    }

    /** The parser as first written, for comparison only. */
    private static ZonedDateTime firstVersion(String raw) {
        String d = raw.replaceAll("\\([^)]*\\)", " ").replaceAll("\\s+", " ").strip();
        d = d.replaceAll("(?i)\\b(UT|GMT|Z)$", "+0000").replaceAll("\\bEDT$", "-0400").replaceAll("\\bEST$", "-0500")
                .replaceAll("\\bCDT$", "-0500").replaceAll("\\bCST$", "-0600").replaceAll("\\bMDT$", "-0600")
                .replaceAll("\\bMST$", "-0700").replaceAll("\\bPDT$", "-0700").replaceAll("\\bPST$", "-0800");
        for (String pattern : new String[] {"EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z",
                "d MMM yyyy HH:mm Z"}) {
            try {
                return ZonedDateTime.parse(d, DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH));
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        // the first version's "EEE, d MMM yy" read 91 as 2091; RFC 5322 4.3 says 1991
        java.util.regex.Matcher two = java.util.regex.Pattern.compile("^(\\w+, \\d+ \\w+ )(\\d\\d)( .*)$").matcher(d);
        if (two.matches()) {
            int yy = Integer.parseInt(two.group(2));
            try {
                return ZonedDateTime.parse(two.group(1) + (yy < 50 ? 2000 + yy : 1900 + yy) + two.group(3),
                        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH));
            } catch (DateTimeParseException ignored) {
                // not a date
            }
        }
        return null;
    }
}
