package net.portcullis.gateway.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times as the commands print them: to the second, UTC (an operator reads them; nanoseconds are noise). */
final class Times {
    private Times() {
    }

    static String show(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
