package net.portcullis.gateway.admin;

import static net.portcullis.gateway.review.Html.esc;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.reports.ReportRefused;
import net.portcullis.policy.store.HoldStore;

/**
 * A digest's "spam" / "not spam" links ({@code /report/TOKEN} on the public listener): the
 * recipient's report about a message held for them, signed as the release link is, so that
 * nobody but that recipient reports in their name. GET only asks, since mail scanners follow
 * links; the page's POST records the report (reporter: the recipient, weight 1), once per
 * recipient and message — the last word stands.
 */
final class ReportLinks {
    /** How RefPage writes its pages. */
    interface Pages {
        void page(HttpExchange ex, int code, String title, String body) throws IOException;
    }

    private final HoldStore holds;
    private final ReportIntake intake;
    private final Pages pages;

    ReportLinks(HoldStore holds, ReportIntake intake, Pages pages) {
        this.holds = holds;
        this.intake = intake;
        this.pages = pages;
    }

    void handle(HttpExchange ex, String token) throws IOException {
        HoldStore.ReportClaim claim;
        try {
            claim = holds.verifyReportToken(token, Instant.now());
        } catch (SecurityException | IllegalArgumentException e) {
            pages.page(ex, 403, "Link not valid", "<p>This link is not one we made: " + esc(e.getMessage()) + ".</p>");
            return;
        } catch (java.time.DateTimeException e) {
            pages.page(ex, 410, "Link expired", "<p>The message was kept until its link expired, and is gone.</p>");
            return;
        }
        String what = claim.spam() ? "spam" : "not spam";
        try {
            HoldStore.Held h = holds.find(claim.ref());
            if (h == null || !h.recipients().contains(claim.recipient())) {
                pages.page(ex, 410, "No longer kept", "<p>We no longer keep this message, so it cannot be reported.</p>");
                return;
            }
            String about = "<dl><dt>From</dt><dd>" + esc(h.sender().isEmpty() ? "<>" : h.sender()) + "</dd><dt>To</dt><dd>"
                    + esc(claim.recipient()) + "</dd><dt>Held</dt><dd>" + esc(h.heldAt().toString()) + "</dd></dl>";
            if (ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")) {
                pages.page(ex, 200, "Report this message as " + what + "?", about + "<form method=\"post\"><button type=\"submit\">"
                        + "It is " + esc(what) + "</button></form>");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                pages.page(ex, 405, "Not allowed", "<p>Use the button of the page.</p>");
                return;
            }
            byte[] message = h.state().equals("held") ? holds.read(h.ref()) : null;
            ReportIntake.Outcome o = intake.ingestDecision(claim.recipient(), claim.spam(), h.client(), h.sender(), h.ref(), message);
            pages.page(ex, 200, "Thank you", about + "<p>" + (o.duplicate() ? "You already reported this message as " + esc(what) + "."
                    : "Your report that this message is " + esc(what) + " is recorded.") + "</p>");
        } catch (ReportRefused e) {
            pages.page(ex, 422, "Not recorded", "<p>This message cannot be reported: " + esc(e.getMessage()) + ".</p>");
        } catch (SQLException e) {
            pages.page(ex, 503, "Try again later", "<p>Reports cannot be recorded right now: please try again later.</p>");
        }
    }
}
