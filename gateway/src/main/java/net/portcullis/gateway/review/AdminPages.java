package net.portcullis.gateway.review;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.portcullis.gateway.hold.HoldRelease;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.store.ActionLog;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.policy.store.ListEntry;

/**
 * Held mail, the local lists and the record of actions; and the actions themselves (admins
 * only): allowlist a sender, domain or client with an expiry, remove a listing, release or
 * delete a held message. Each needs a reason and is recorded with the account that did it.
 */
final class AdminPages {
    static final Map<String, Duration> EXPIRIES = new java.util.LinkedHashMap<>();
    static {
        EXPIRIES.put("1d", Duration.ofDays(1));
        EXPIRIES.put("7d", Duration.ofDays(7));
        EXPIRIES.put("30d", Duration.ofDays(30));
        EXPIRIES.put("90d", Duration.ofDays(90));
        EXPIRIES.put("never", null);
    }
    private static final int LIST_ROWS = 500;
    private final ReviewApp.Backend backend;
    private final ReviewSessions sessions;

    AdminPages(ReviewApp.Backend backend, ReviewSessions sessions) {
        this.backend = backend;
        this.sessions = sessions;
    }

    /** The message an action left for this page, as HTML; "" when none. */
    String flash(Request req) {
        String[] f = sessions.takeFlash(req.session);
        return f == null ? "" : Html.notice(f[0], f[1]);
    }

    /** On a decision's page, for admins: allowlist its sender, domain or client; release or delete it when held. */
    static String decisionActions(Session s, DecisionRecord r, HoldStore.Held held) {
        StringBuilder b = new StringBuilder("<h2>Act</h2><div class=\"actions\">");
        String back = "/review/d/" + r.ref;
        if (r.sender != null && !r.sender.isEmpty()) {
            b.append(allowForm(s, "address", r.sender, "Allowlist this sender", back, "allow-sender"));
            b.append(allowForm(s, "domain", r.sender.substring(r.sender.lastIndexOf('@') + 1), "Allowlist the sender's domain", back,
                    "allow-domain"));
        }
        if (r.client != null) {
            b.append(allowForm(s, "ip", r.client, "Allowlist this client", back, "allow-client"));
        }
        if (r.client != null) {
            b.append(reportForm(s, r.ref, back));
        }
        if (held != null && held.state().equals("held")) {
            b.append(heldForms(s, held.ref(), back));
        } else if (held != null) {
            b.append("<p>The held message is ").append(Html.esc(held.state())).append(held.actedBy() == null ? "" : " by "
                    + Html.esc(held.actedBy())).append(".</p>");
        }
        return b.append("</div>").toString();
    }

    private static String allowForm(Session s, String kind, String value, String label, String back, String id) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"/review/allow\" class=\"act\" id=\"").append(id).append("\">")
                .append(Html.csrf(s)).append("<input type=\"hidden\" name=\"kind\" value=\"").append(kind)
                .append("\"><input type=\"hidden\" name=\"value\" value=\"").append(Html.esc(value))
                .append("\"><input type=\"hidden\" name=\"back\" value=\"").append(Html.esc(back)).append("\"><strong>").append(label)
                .append("</strong> <code>").append(Html.esc(value)).append("</code> for <select name=\"expires\">");
        EXPIRIES.keySet().forEach(k -> b.append("<option").append(k.equals("30d") ? " selected" : "").append('>').append(k).append("</option>"));
        return b.append("</select> <input name=\"reason\" placeholder=\"why (recorded)\" required maxlength=\"500\"> ")
                .append("<button type=\"submit\">Allowlist</button></form>").toString();
    }

    /** A reviewer's own report on the decision: spam or not, counted as one user's (reporter review:ACCOUNT). */
    private static String reportForm(Session s, String ref, String back) {
        return "<form method=\"post\" action=\"/review/report\" class=\"act\" id=\"report\">" + Html.csrf(s)
                + "<input type=\"hidden\" name=\"ref\" value=\"" + Html.esc(ref) + "\"><input type=\"hidden\" name=\"back\" value=\""
                + Html.esc(back) + "\"><strong>Report</strong> it as <select name=\"says\"><option value=\"spam\">spam</option>"
                + "<option value=\"ham\">not spam</option></select> <input name=\"reason\" placeholder=\"why (recorded)\" required "
                + "maxlength=\"500\"> <button type=\"submit\">Report</button></form>";
    }

    private static String heldForms(Session s, String ref, String back) {
        String hidden = Html.csrf(s) + "<input type=\"hidden\" name=\"ref\" value=\"" + Html.esc(ref) + "\"><input type=\"hidden\" "
                + "name=\"back\" value=\"" + Html.esc(back) + "\">";
        return "<form method=\"post\" action=\"/review/release\" class=\"act\" id=\"release-" + Html.esc(ref) + "\">" + hidden
                + "<strong>Release</strong> to its recipients <input name=\"reason\" placeholder=\"why (recorded)\" required "
                + "maxlength=\"500\"> <label><input type=\"checkbox\" name=\"force\" value=\"1\"> even if today's rules object</label> "
                + "<button type=\"submit\">Release</button></form>"
                + "<form method=\"post\" action=\"/review/delete-held\" class=\"act\" id=\"delete-" + Html.esc(ref) + "\">" + hidden
                + "<strong>Delete</strong> without delivering <input name=\"reason\" placeholder=\"why (recorded)\" required "
                + "maxlength=\"500\"> <button type=\"submit\">Delete</button></form>";
    }

    Reply held(Request req) throws SQLException {
        StringBuilder b = new StringBuilder(flash(req));
        List<HoldStore.Held> list = backend.holds().list(false);
        b.append("<table id=\"held\"><thead><tr><th>Held (UTC)</th><th>Ref</th><th>Sender</th><th>Recipients</th><th>Rule</th>")
                .append("<th>Why</th><th>Expires</th>").append(req.session.admin() ? "<th>Act</th>" : "").append("</tr></thead><tbody>");
        for (HoldStore.Held h : list) {
            b.append("<tr><td>").append(Html.esc(time(h.heldAt()))).append("</td><td><a href=\"/review/d/").append(Html.url(h.ref()))
                    .append("\">").append(Html.esc(h.ref())).append("</a></td><td>").append(Html.esc(h.sender().isEmpty() ? "<>" : h.sender()))
                    .append("</td><td>").append(Html.esc(String.join(", ", h.recipients()))).append("</td><td><code>").append(Html.esc(h.rule()))
                    .append("</code></td><td>").append(Html.esc(h.reason())).append("</td><td>").append(Html.esc(time(h.expiresAt())))
                    .append("</td>");
            if (req.session.admin()) {
                b.append("<td>").append(heldForms(req.session, h.ref(), "/review/held")).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        if (list.isEmpty()) {
            b.append("<p class=\"empty\">No message is held.</p>");
        }
        return new Reply(200, Html.page("Held mail", req.session, "held", b.toString()));
    }

    Reply lists(Request req) throws SQLException {
        StringBuilder b = new StringBuilder(flash(req));
        String q = req.q("q").strip().toLowerCase(Locale.ROOT);
        b.append("<form method=\"get\" action=\"/review/lists\" class=\"filters\"><label>Find <input name=\"q\" value=\"")
                .append(Html.esc(req.q("q"))).append("\" placeholder=\"address, domain or IP\"></label> <button type=\"submit\">Find</button></form>");
        if (req.session.admin()) {
            b.append("<form method=\"post\" action=\"/review/allow\" class=\"act\" id=\"allow-new\">").append(Html.csrf(req.session))
                    .append("<input type=\"hidden\" name=\"back\" value=\"/review/lists\"><strong>Allowlist</strong> <select name=\"kind\">")
                    .append("<option value=\"address\">sender</option><option value=\"domain\">domain</option><option value=\"ip\">client")
                    .append("</option></select> <input name=\"value\" required placeholder=\"joe@example.org, example.org or 192.0.2.0/24\"> for ")
                    .append("<select name=\"expires\">");
            EXPIRIES.keySet().forEach(k -> b.append("<option").append(k.equals("30d") ? " selected" : "").append('>').append(k).append("</option>"));
            b.append("</select> <input name=\"reason\" placeholder=\"why (recorded)\" required maxlength=\"500\"> ")
                    .append("<button type=\"submit\">Allowlist</button></form>");
        }
        List<ListEntry> all = backend.lists().all();
        Instant now = Instant.now();
        List<ListEntry> shown = all.stream().filter(e -> !e.expiredAt(now))
                .filter(e -> q.isEmpty() || e.value().toLowerCase(Locale.ROOT).contains(q)).limit(LIST_ROWS).toList();
        b.append("<table id=\"list-entries\"><thead><tr><th>List</th><th>Kind</th><th>Value</th><th>Why</th><th>Source</th><th>Since</th>")
                .append("<th>Until</th>").append(req.session.admin() ? "<th>Act</th>" : "").append("</tr></thead><tbody>");
        for (ListEntry e : shown) {
            b.append("<tr><td>").append(e.color() == ListEntry.Color.WHITE ? "allow" : "block").append("</td><td>").append(e.kind().word())
                    .append("</td><td><code>").append(Html.esc(e.value())).append("</code></td><td>").append(Html.esc(e.reason()))
                    .append("</td><td>").append(Html.esc(e.source())).append("</td><td>").append(Html.esc(time(e.created())))
                    .append("</td><td>").append(e.expires() == null ? "never" : Html.esc(time(e.expires()))).append("</td>");
            if (req.session.admin()) {
                b.append("<td><form method=\"post\" action=\"/review/unlist\" class=\"act\">").append(Html.csrf(req.session))
                        .append("<input type=\"hidden\" name=\"color\" value=\"").append(e.color().word())
                        .append("\"><input type=\"hidden\" name=\"kind\" value=\"").append(e.kind().word())
                        .append("\"><input type=\"hidden\" name=\"value\" value=\"").append(Html.esc(e.value()))
                        .append("\"><input type=\"hidden\" name=\"back\" value=\"/review/lists\"><input name=\"reason\" required ")
                        .append("maxlength=\"500\" placeholder=\"why (recorded)\"> <button type=\"submit\">Remove</button></form></td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table><p>").append(shown.size()).append(" shown of ").append(all.size()).append(" entries (expired ones are ")
                .append("left out; at most ").append(LIST_ROWS).append(": narrow with Find).</p>");
        return new Reply(200, Html.page("Local lists", req.session, "lists", b.toString()));
    }

    Reply actions(Request req) throws SQLException {
        StringBuilder b = new StringBuilder(flash(req));
        b.append("<table id=\"action-log\"><thead><tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>On</th><th>Why</th><th>Outcome</th>")
                .append("</tr></thead><tbody>");
        for (ActionLog.Action a : backend.actions().recent(200)) {
            b.append("<tr><td>").append(Html.esc(time(a.at()))).append("</td><td>").append(Html.esc(a.account())).append("</td><td>")
                    .append(Html.esc(a.action())).append("</td><td><code>").append(Html.esc(a.target())).append("</code></td><td>")
                    .append(Html.esc(a.reason())).append("</td><td>").append(Html.esc(a.outcome())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        return new Reply(200, Html.page("Actions", req.session, "actions", b.toString()));
    }

    /** A POST from an admin. Every outcome goes back to the page it came from with a message; every attempt is recorded. */
    Reply act(Request req) throws SQLException, IOException {
        String back = req.f("back").isEmpty() ? "/review/actions" : req.f("back");
        if (!ReviewApp.isPageOfOurs(back)) {
            return new Reply(400, Html.page("Bad request", req.session, "", Html.notice("error",
                    "The form's back= is not a page of the review site.")));
        }
        String reason = req.f("reason").strip();
        String action = req.path.substring("/review/".length());
        if (!List.of("allow", "unlist", "release", "delete-held", "report").contains(action)) {
            return new Reply(404, Html.page("Not found", req.session, "", Html.notice("error", "There is no such action.")));
        }
        if (reason.isEmpty()) {
            sessions.flash(req.session, "error", "Say why: the reason is recorded with the action.");
            return Reply.redirect(back);
        }
        if (reason.length() > 500) {
            reason = reason.substring(0, 500);
        }
        String[] outcome = switch (action) {
            case "allow" -> allow(req, reason);
            case "unlist" -> unlist(req);
            case "release" -> release(req);
            case "report" -> report(req);
            default -> delete(req);
        };
        if (outcome[2] != null) {
            backend.actions().record(Instant.now(), req.session.account(), action, outcome[2], reason, outcome[1]);
        }
        sessions.flash(req.session, outcome[0], outcome[1]);
        return Reply.redirect(back);
    }

    /** @return kind of message, its text, and the target to record (null: nothing was attempted) */
    private String[] allow(Request req, String reason) throws SQLException {
        ListEntry.Kind kind = switch (req.f("kind")) {
            case "address" -> ListEntry.Kind.ADDRESS;
            case "domain" -> ListEntry.Kind.DOMAIN;
            case "ip" -> ListEntry.Kind.IP;
            case "link" -> ListEntry.Kind.LINK;
            default -> null;
        };
        if (kind == null || !EXPIRIES.containsKey(req.f("expires"))) {
            return new String[] {"error", "Choose what to allowlist and for how long.", null};
        }
        String value;
        try {
            value = ListEntry.normalise(kind, req.f("value"));
        } catch (IllegalArgumentException e) {
            return new String[] {"error", e.getMessage(), null};
        }
        Instant now = Instant.now();
        Duration d = EXPIRIES.get(req.f("expires"));
        backend.lists().put(new ListEntry(0, ListEntry.Color.WHITE, kind, value, reason, "review:" + req.session.account(), now,
                d == null ? null : now.plus(d)));
        backend.listsChanged().run();
        return new String[] {"ok", "Allowlisted " + kind.word() + " " + value + (d == null ? " with no end" : " for " + req.f("expires"))
                + ".", "white " + kind.word() + " " + value + (d == null ? "" : " for " + req.f("expires"))};
    }

    private String[] unlist(Request req) throws SQLException {
        ListEntry.Color color = req.f("color").equals("white") ? ListEntry.Color.WHITE : req.f("color").equals("black")
                ? ListEntry.Color.BLACK : null;
        ListEntry.Kind kind = switch (req.f("kind")) {
            case "address" -> ListEntry.Kind.ADDRESS;
            case "domain" -> ListEntry.Kind.DOMAIN;
            case "ip" -> ListEntry.Kind.IP;
            case "link" -> ListEntry.Kind.LINK;
            default -> null;
        };
        if (color == null || kind == null || req.f("value").isBlank()) {
            return new String[] {"error", "Which listing? The form is incomplete.", null};
        }
        String target = color.word() + " " + kind.word() + " " + req.f("value");
        if (!backend.lists().remove(color, kind, req.f("value"))) {
            return new String[] {"error", "No such listing (removed already?): " + target, target};
        }
        backend.listsChanged().run();
        return new String[] {"ok", "Removed " + target + ".", target};
    }

    private String[] release(Request req) throws SQLException, IOException {
        String ref = req.f("ref").strip().toUpperCase(Locale.ROOT);
        if (!ref.matches("[A-Z0-9]{1,16}")) {
            return new String[] {"error", "Not a reference id.", null};
        }
        HoldRelease.Result r = backend.release().release(ref, "review:" + req.session.account(), req.f("force").equals("1"));
        return new String[] {r.status() == HoldRelease.Status.RELEASED ? "ok" : "error", r.message(), "held " + ref};
    }

    private String[] report(Request req) throws SQLException, IOException {
        String ref = req.f("ref").strip().toUpperCase(Locale.ROOT);
        boolean spam = req.f("says").equals("spam");
        if (!ref.matches("[A-Z0-9]{1,16}") || (!spam && !req.f("says").equals("ham"))) {
            return new String[] {"error", "Which decision, spam or not? The form is incomplete.", null};
        }
        List<String> lines = backend.decisions().find(ref);
        DecisionRecord r = null;
        for (String line : lines) {
            Map<?, ?> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(line, Map.class);
            if ("transaction".equals(m.get("event"))) {
                r = DecisionRecord.fromMap(m);
            }
        }
        if (r == null || r.client == null) {
            return new String[] {"error", "No stored transaction " + ref + " to report.", null};
        }
        HoldStore.Held held = backend.holds().find(ref);
        byte[] message = held != null && held.state().equals("held") ? backend.holds().read(ref) : null;
        String target = (spam ? "spam " : "not spam ") + ref;
        try {
            var o = backend.intake().ingestDecision("review:" + req.session.account(), spam, r.client, r.sender, ref, message);
            return new String[] {"ok", o.duplicate() ? "You reported " + ref + " so already." : "Reported " + target + " (from "
                    + r.client + ")" + (o.listed() != null ? "; " + r.client + " is now blacklisted." : "."), target};
        } catch (net.portcullis.policy.reports.ReportRefused e) {
            return new String[] {"error", "Not recorded: " + e.getMessage(), target};
        }
    }

    private String[] delete(Request req) throws SQLException, IOException {
        String ref = req.f("ref").strip().toUpperCase(Locale.ROOT);
        if (!ref.matches("[A-Z0-9]{1,16}")) {
            return new String[] {"error", "Not a reference id.", null};
        }
        boolean done = backend.holds().settle(ref, "deleted", "review:" + req.session.account(), Instant.now());
        return new String[] {done ? "ok" : "error", done ? "Deleted " + ref + "." : ref + " is not held (released or deleted already?).",
                "held " + ref};
    }

    static String time(Instant t) {
        return t.toString().replace('T', ' ').replaceAll("(\\.\\d+)?Z$", "");
    }
}
