package net.portcullis.gateway.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.portcullis.gateway.log.DecisionExplainer;
import net.portcullis.gateway.log.DecisionFilters;
import net.portcullis.policy.DecisionRecord;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;

/** The decision log: the searchable list (the filters of {@code log query}) and one decision's detail (what {@code log show} says). */
final class DecisionPages {
    static final int PAGE = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("since", "until", "client", "sender", "rcpt", "verdict", "rule");
    private final ReviewApp.Backend backend;
    private final AdminPages admin;

    DecisionPages(ReviewApp.Backend backend, AdminPages admin) {
        this.backend = backend;
        this.admin = admin;
    }

    Reply list(Request req) throws IOException, SQLException {
        String ref = req.q("ref").strip();
        if (!ref.isEmpty()) {
            if (!ref.matches("[A-Za-z0-9]{1,16}")) {
                return page(req, 400, List.of(), false, Html.notice("error", "'" + ref + "' is not a reference id (8 letters and digits)"));
            }
            return Reply.redirect("/review/d/" + ref.toUpperCase(Locale.ROOT));
        }
        DecisionStore.Filter filter;
        try {
            filter = DecisionFilters.of("", req.q("since"), req.q("until"), req.q("client"), req.q("sender"), req.q("rcpt"),
                    req.q("verdict"), req.q("rule"), PAGE + 1).withQueueId(req.q("queue_id"));
        } catch (IllegalArgumentException e) {
            return page(req, 400, List.of(), false, Html.notice("error", e.getMessage()));
        }
        DecisionStore.Stored before = null;
        if (req.q("before").matches("\\d{1,18}")) {
            before = backend.decisions().byId(Long.parseLong(req.q("before")));
        }
        List<DecisionStore.Stored> rows = backend.decisions().page(filter, before);
        boolean more = rows.size() > PAGE;
        return page(req, 200, more ? rows.subList(0, PAGE) : rows, more, "");
    }

    private Reply page(Request req, int code, List<DecisionStore.Stored> rows, boolean more, String notice) throws IOException {
        StringBuilder b = new StringBuilder(notice);
        b.append("<form method=\"get\" action=\"/review/\" class=\"filters\" id=\"search\">")
                .append("<label>Ref <input name=\"ref\" id=\"ref\" placeholder=\"7QX2K9AB\" size=\"10\"></label>");
        field(b, req, "since", "Since", "2h, 7d or 2026-11-24T08:00:00Z");
        field(b, req, "until", "Until", "");
        field(b, req, "client", "Client", "203.0.113.5");
        field(b, req, "sender", "Sender", "joe@example.org");
        field(b, req, "rcpt", "Recipient", "");
        b.append("<label>Verdict <select name=\"verdict\" id=\"verdict\"><option value=\"\">any</option>");
        for (String v : DecisionFilters.VERDICTS) {
            b.append("<option").append(v.equals(req.q("verdict")) ? " selected" : "").append('>').append(v).append("</option>");
        }
        b.append("</select></label>");
        field(b, req, "rule", "Decided by", "");
        b.append("<button type=\"submit\" id=\"find\">Search</button> <a href=\"/review/\">clear</a></form>");
        b.append("<table class=\"decisions\" id=\"decisions\"><thead><tr><th>Time (UTC)</th><th>Ref</th><th>Verdict</th><th>Client</th>")
                .append("<th>Sender</th><th>Recipients</th><th>Decided by</th></tr></thead><tbody>");
        for (DecisionStore.Stored s : rows) {
            Map<?, ?> m = JSON.readValue(s.json(), Map.class);
            String verdict = String.valueOf(m.get("verdict"));
            boolean transaction = "transaction".equals(m.get("event"));
            DecisionRecord r = transaction ? DecisionRecord.fromMap(m) : null;
            b.append("<tr><td>").append(Html.esc(String.valueOf(m.get("time")).replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", "")))
                    .append("</td><td><a href=\"/review/d/").append(Html.url(String.valueOf(m.get("ref")))).append("\">")
                    .append(Html.esc(m.get("ref"))).append("</a></td><td><span class=\"verdict ").append(Html.esc(verdict)).append("\">")
                    .append(Html.esc(transaction ? verdict : "refused at connect")).append("</span></td><td>")
                    .append(Html.esc(m.get("client") == null ? "" : m.get("client"))).append("</td><td>")
                    .append(Html.esc(r == null ? "" : r.sender == null ? "" : r.sender.isEmpty() ? "<>" : r.sender)).append("</td><td>");
            if (r != null) {
                List<DecisionRecord.Recipient> rc = r.recipients();
                for (int i = 0; i < Math.min(3, rc.size()); i++) {
                    b.append(i == 0 ? "" : ", ").append(Html.esc(rc.get(i).address()));
                }
                if (rc.size() > 3) {
                    b.append(" and ").append(rc.size() - 3).append(" more");
                }
            }
            String by = r == null ? String.valueOf(m.get("decided_by")) : r.decider();
            b.append("</td><td>").append(by == null ? "" : "<code>" + Html.esc(by) + "</code>").append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (rows.isEmpty()) {
            b.append("<p class=\"empty\">No decision matches.</p>");
        }
        Map<String, String> keep = new LinkedHashMap<>();
        for (String f : FIELDS) {
            keep.put(f, req.q(f));
        }
        b.append("<p class=\"pager\">");
        if (!req.q("before").isEmpty()) {
            b.append("<a href=\"/review/").append(Html.esc(Html.query(keep))).append("\">Newest</a> ");
        }
        if (more) {
            keep.put("before", String.valueOf(rows.get(rows.size() - 1).id()));
            b.append("<a id=\"older\" href=\"/review/").append(Html.esc(Html.query(keep))).append("\">Older →</a>");
        }
        b.append("</p>");
        return new Reply(code, Html.page("Decisions", req.session, "decisions", b.toString()));
    }

    private static void field(StringBuilder b, Request req, String name, String label, String hint) {
        b.append("<label>").append(label).append(" <input name=\"").append(name).append("\" id=\"").append(name).append("\" value=\"")
                .append(Html.esc(req.q(name))).append("\"").append(hint.isEmpty() ? "" : " placeholder=\"" + Html.esc(hint) + "\"")
                .append(" size=\"14\"></label>");
    }

    Reply detail(Request req, String ref) throws IOException, SQLException {
        if (!ref.matches("[A-Za-z0-9]{1,16}")) {
            return new Reply(404, Html.page("Not found", req.session, "decisions", Html.notice("error", "Not a reference id.")));
        }
        ref = ref.toUpperCase(Locale.ROOT);
        List<String> lines = backend.decisions().find(ref);
        if (lines.isEmpty()) {
            return new Reply(404, Html.page("Reference " + ref, req.session, "decisions", Html.notice("error",
                    "No decision with reference " + ref + " is stored: mistyped, or older than log.retention.")));
        }
        StringBuilder b = new StringBuilder(admin.flash(req));
        for (String line : lines) {
            Map<?, ?> m = JSON.readValue(line, Map.class);
            if (!"transaction".equals(m.get("event"))) {
                b.append("<dl class=\"facts\"><dt>When</dt><dd>").append(Html.esc(m.get("time"))).append("</dd><dt>Client</dt><dd>")
                        .append(clientLink(String.valueOf(m.get("client")))).append("</dd><dt>Refused</dt><dd>before the greeting: <code>")
                        .append(Html.esc(m.get("reply"))).append("</code></dd><dt>Because</dt><dd><code>").append(Html.esc(m.get("decided_by")))
                        .append("</code></dd></dl>");
            } else {
                transaction(b, req, DecisionRecord.fromMap(m), m);
            }
            b.append("<h2>In plain words</h2><pre class=\"explain\" id=\"explain\">").append(Html.esc(DecisionExplainer.explain(m)))
                    .append("</pre>");
        }
        return new Reply(200, Html.page("Reference " + ref, req.session, "decisions", b.toString()));
    }

    private void transaction(StringBuilder b, Request req, DecisionRecord r, Map<?, ?> raw) throws SQLException {
        String sender = r.sender == null || r.sender.isEmpty() ? "<>" : r.sender;
        b.append("<dl class=\"facts\"><dt>When</dt><dd>").append(Html.esc(raw.get("time"))).append("</dd><dt>Verdict</dt><dd><span class=\"verdict ")
                .append(Html.esc(r.verdict)).append("\" id=\"verdict-value\">").append(Html.esc(r.verdict)).append("</span>")
                .append(r.decider() == null ? "" : " by <code>" + Html.esc(r.decider()) + "</code>")
                .append(r.reason == null ? "" : ": " + Html.esc(r.reason)).append("</dd>")
                .append("<dt>Client</dt><dd>").append(clientLink(r.client))
                .append(Html.esc(r.clientName == null ? " (no reverse name)" : " (" + r.clientName + ")")).append(", HELO ")
                .append(Html.esc(r.helo)).append(Html.esc(r.tls == null ? ", no TLS" : ", " + r.tls))
                .append(Html.esc(r.authUser == null ? "" : ", authenticated as " + r.authUser)).append("</dd><dt>Sender</dt><dd>");
        if (r.sender == null || r.sender.isEmpty()) {
            b.append("&lt;&gt; (a bounce)");
        } else {
            b.append("<a href=\"/review/?sender=").append(Html.esc(Html.url(r.sender))).append("\" title=\"other transactions of this sender\">")
                    .append(Html.esc(sender)).append("</a>");
        }
        b.append("</dd>");
        if (r.size >= 0) {
            b.append("<dt>Message</dt><dd>").append(r.size).append(" octets").append(Html.esc(r.messageId == null ? "" : ", Message-ID "
                    + r.messageId)).append("</dd>");
        }
        if ("milter".equals(r.via)) {
            b.append("<dt>Via</dt><dd>milter, the MTA's queue id <code id=\"queue-id\">").append(Html.esc(r.queueId == null ? "(none yet)" : r.queueId))
                    .append("</code></dd>");
        }
        if (r.downstreamReply != null) {
            b.append("<dt>Mail server</dt><dd>answered <code>").append(Html.esc(r.downstreamReply)).append("</code></dd>");
        }
        b.append("</dl>");
        b.append("<h2>Recipients</h2><table><thead><tr><th>Address</th><th>Outcome</th><th>By</th><th>Reply</th></tr></thead><tbody>");
        for (DecisionRecord.Recipient rc : r.recipients()) {
            Map<?, ?> m = DecisionExplainer.recipientMap(raw, rc.address());
            b.append("<tr><td>").append(Html.esc(rc.address())).append("</td><td>").append(Html.esc(rc.outcome()))
                    .append(m.get("reason") == null ? "" : " — " + Html.esc(m.get("reason"))).append("</td><td>")
                    .append(rc.decidedBy() == null ? "" : "<code>" + Html.esc(rc.decidedBy()) + "</code>").append("</td><td>")
                    .append(m.get("reply") == null ? "" : "<code>" + Html.esc(m.get("reply")) + "</code>").append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append("<h2>Rules hit</h2><table id=\"rules\"><thead><tr><th>Stage</th><th>Rule</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>");
        for (Map<String, Object> hit : r.rules()) {
            b.append("<tr><td>").append(Html.esc(hit.get("stage"))).append("</td><td><code>").append(Html.esc(hit.get("rule")))
                    .append("</code></td><td>").append(Html.esc(hit.get("outcome"))).append("</td><td>")
                    .append(Html.esc(hit.get("detail") == null ? "" : hit.get("detail"))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (r.rules().isEmpty()) {
            b.append("<p class=\"empty\">No rule fired.</p>");
        }
        b.append("<h2>Signals</h2><table id=\"signals\" class=\"signals\"><thead><tr><th>Signal</th><th>Value</th></tr></thead><tbody>");
        r.signals.forEach((k, v) -> b.append("<tr><td><code>").append(Html.esc(k)).append("</code></td><td>").append(Html.esc(v))
                .append("</td></tr>"));
        b.append("</tbody></table>");
        b.append("<p class=\"related\">Other transactions of <a id=\"same-client\" href=\"/review/?client=")
                .append(Html.esc(Html.url(String.valueOf(r.client)))).append("\">this client</a>");
        if (r.sender != null && !r.sender.isEmpty()) {
            b.append(" · <a id=\"same-sender\" href=\"/review/?sender=").append(Html.esc(Html.url(r.sender))).append("\">this sender</a>");
        }
        b.append("</p>");
        List<net.portcullis.policy.reports.ReportStore.Stored> said = backend.reports().aboutRef(r.ref);
        if (!said.isEmpty()) {
            // a "not spam" here is the flag for review: a listing, a rule or a Junk filter may be wrong about this sender
            b.append("<h2>Reports</h2><ul id=\"reports\">");
            for (var rep : said) {
                b.append("<li>").append(Html.esc(AdminPages.time(rep.at()))).append(" <strong>").append(Html.esc(rep.reporter()))
                        .append("</strong> says <span class=\"verdict ").append(rep.feedbackType().equals("not-spam") ? "accepted" : "rejected")
                        .append("\">").append(Html.esc(rep.feedbackType().equals("not-spam") ? "not spam" : "spam")).append("</span>")
                        .append(rep.counted() ? "" : " (not counted: " + Html.esc(rep.uncounted()) + ")").append("</li>");
            }
            b.append("</ul>");
        }
        if (req.session.admin()) {
            HoldStore.Held held = "held".equals(r.verdict) ? backend.holds().find(r.ref) : null;
            b.append(AdminPages.decisionActions(req.session, r, held));
        }
    }

    private static String clientLink(String client) {
        return "<a href=\"/review/?client=" + Html.esc(Html.url(client)) + "\" title=\"other transactions of this client\">"
                + Html.esc(client) + "</a>";
    }
}
