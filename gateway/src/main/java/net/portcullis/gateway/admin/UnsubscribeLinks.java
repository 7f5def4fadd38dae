package net.portcullis.gateway.admin;

import static net.portcullis.gateway.review.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;
import net.portcullis.policy.consent.OneClickUnsubscribe;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;

/**
 * A digest's unsubscribe link ({@code /unsubscribe/TOKEN}, signed for one recipient of one held
 * message): GET asks; POST does the sender's one-click unsubscription for the recipient (RFC 8058)
 * and records a consent withdrawal for that sender, with the sender server's answer as evidence,
 * so the consent rules refuse its later mail to that recipient. The withdrawal is recorded
 * whatever the sender's server answers: the recipient's word is what counts.
 */
final class UnsubscribeLinks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HoldStore holds;
    private final DecisionStore decisions;
    private final ConsentStore consent;
    private final OneClickUnsubscribe oneClick;
    private final ReportLinks.Pages pages;

    UnsubscribeLinks(HoldStore holds, DecisionStore decisions, ConsentStore consent, OneClickUnsubscribe oneClick, ReportLinks.Pages pages) {
        this.holds = holds;
        this.decisions = decisions;
        this.consent = consent;
        this.oneClick = oneClick;
        this.pages = pages;
    }

    void handle(HttpExchange ex, String token) throws IOException {
        HoldStore.ReleaseClaim claim;
        try {
            claim = holds.verifyUnsubscribeToken(token, Instant.now());
        } catch (SecurityException | IllegalArgumentException e) {
            pages.page(ex, 403, "Link not valid", "<p>This link is not one we made: " + esc(e.getMessage()) + ".</p>");
            return;
        } catch (java.time.DateTimeException e) {
            pages.page(ex, 410, "Link expired", "<p>The message was kept until its link expired, and is gone.</p>");
            return;
        }
        try {
            HoldStore.Held h = holds.find(claim.ref());
            if (h == null || !h.state().equals("held") || !h.recipients().contains(claim.recipient())) {
                pages.page(ex, 410, "No longer kept", "<p>We no longer keep this message.</p>");
                return;
            }
            String sender = identity(h);
            Optional<URI> uri = oneClick.offeredBy(holds.read(h.ref()));
            String about = "<dl><dt>From</dt><dd>" + esc(h.sender().isEmpty() ? "<>" : h.sender()) + "</dd><dt>To</dt><dd>"
                    + esc(claim.recipient()) + "</dd></dl>";
            if (ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")) {
                pages.page(ex, 200, "Unsubscribe from " + sender + "?", about + "<p>We will ask " + esc(sender)
                        + " to stop, and refuse its commercial mail to you from now on.</p><form method=\"post\"><button type=\"submit\">"
                        + "Unsubscribe " + esc(claim.recipient()) + "</button></form>");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                pages.page(ex, 405, "Not allowed", "<p>Use the button of the page.</p>");
                return;
            }
            OneClickUnsubscribe.Outcome asked = uri.isPresent() ? oneClick.post(uri.get())
                    : new OneClickUnsubscribe.Outcome(false, "the message offers no one-click unsubscription");
            consent.append(new ConsentEvent(0, claim.recipient(), sender, ConsentEvent.Action.REVOKE, "one-click-unsubscribe",
                    "digest link for held message " + h.ref() + "; " + asked.detail(), "recipient", Instant.now(), null));
            pages.page(ex, 200, "Unsubscribed", about + "<p>Your withdrawal is recorded: commercial mail from " + esc(sender)
                    + " to you is refused from now on.</p><p>" + (asked.done() ? esc(sender) + " confirmed it." : "Its server did not confirm it ("
                    + esc(asked.detail()) + "); we refuse its mail all the same.") + "</p>");
        } catch (SQLException e) {
            pages.page(ex, 503, "Try again later", "<p>This cannot be recorded right now: please try again later.</p>");
        }
    }

    /**
     * Whom the withdrawal is for: the sender identity consent is looked up for (the SPF-pass
     * domain recorded with the message's decision), else the envelope sender's domain.
     */
    private String identity(HoldStore.Held h) throws SQLException, IOException {
        for (String line : decisions.find(h.ref())) {
            Map<?, ?> m = JSON.readValue(line, Map.class);
            if (m.get("signals") instanceof Map<?, ?> s) {
                if (s.get("consent.identity") instanceof String id && !id.isBlank()) {
                    return id.toLowerCase(Locale.ROOT);
                }
                if ("pass".equals(s.get("spf.result")) && s.get("spf.domain") instanceof String d) {
                    return d.toLowerCase(Locale.ROOT);
                }
            }
        }
        String s = h.sender();
        return s.contains("@") ? s.substring(s.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT) : s;
    }
}
