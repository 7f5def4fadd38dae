package net.portcullis.gateway.review;

import java.sql.SQLException;
import java.util.List;
import net.portcullis.policy.reports.ReportStore;

/**
 * Reports in and out: what users and feedback loops said, whether each counted (and why not),
 * the reports owed or sent to the networks spam came from, and first the decisions users said were not spam — each a flag that a listing, a rule or the mail
 * store's Junk filter may be wrong about a sender, for a reviewer to look at.
 */
final class ReportsPage {
    private static final int ROWS = 200;
    private final ReportStore reports;
    private final net.portcullis.policy.reports.AbuseReportStore out;

    ReportsPage(ReportStore reports, net.portcullis.policy.reports.AbuseReportStore out) {
        this.reports = reports;
        this.out = out;
    }

    Reply render(Request req) throws SQLException {
        StringBuilder b = new StringBuilder("<h2>Flagged: users said not spam</h2>");
        List<ReportStore.Stored> flagged = reports.notSpam(ROWS);
        if (flagged.isEmpty()) {
            b.append("<p id=\"flagged-none\">No user has said a message of ours was not spam.</p>");
        } else {
            b.append("<table id=\"flagged\"><thead><tr><th>When (UTC)</th><th>Decision</th><th>User</th><th>Source</th><th>Sender domain</th>")
                    .append("</tr></thead><tbody>");
            for (ReportStore.Stored r : flagged) {
                b.append("<tr><td>").append(Html.esc(AdminPages.time(r.at()))).append("</td><td>").append(refLink(r.ref())).append("</td><td>")
                        .append(Html.esc(r.reporter())).append("</td><td><code>").append(Html.esc(r.sourceIp())).append("</code></td><td>")
                        .append(Html.esc(r.senderDomain() == null ? "" : r.senderDomain())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<h2>Reports in</h2><table id=\"reports-in\"><thead><tr><th>When (UTC)</th><th>From</th><th>Says</th><th>Source</th>")
                .append("<th>Sender domain</th><th>Decision</th><th>Counted</th></tr></thead><tbody>");
        for (ReportStore.Stored r : reports.recent(ROWS)) {
            b.append("<tr><td>").append(Html.esc(AdminPages.time(r.at()))).append("</td><td>").append(Html.esc(r.reporter())).append("</td><td>")
                    .append(Html.esc(r.feedbackType())).append("</td><td><code>").append(Html.esc(r.sourceKnown() ? r.sourceIp() : "unknown"))
                    .append("</code></td><td>").append(Html.esc(r.senderDomain() == null ? "" : r.senderDomain())).append("</td><td>")
                    .append(r.ref() == null ? "" : refLink(r.ref())).append("</td><td>")
                    .append(r.counted() ? "yes" : "no: " + Html.esc(r.uncounted())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append("<h2>Reports out</h2>");
        List<net.portcullis.policy.reports.AbuseReportStore.Out> sent = out.recent(ROWS);
        if (sent.isEmpty()) {
            b.append("<p id=\"reports-out-none\">No report to a network is owed or sent (reports.outgoing).</p>");
        } else {
            b.append("<table id=\"reports-out\"><thead><tr><th>Owed since (UTC)</th><th>Source</th><th>State</th><th>To</th><th>Found by</th>")
                    .append("<th>Complaints</th><th>Sent (UTC)</th><th>Note</th></tr></thead><tbody>");
            for (var o : sent) {
                b.append("<tr><td>").append(Html.esc(AdminPages.time(o.created()))).append("</td><td><code>").append(Html.esc(o.sourceIp()))
                        .append("</code></td><td>").append(Html.esc(o.state())).append("</td><td>").append(Html.esc(o.contact() == null ? "" : o.contact()))
                        .append("</td><td>").append(Html.esc(o.via() == null ? "" : o.via())).append("</td><td>")
                        .append(o.incidents() == null ? "" : o.incidents()).append("</td><td>")
                        .append(o.sent() == null ? "" : Html.esc(AdminPages.time(o.sent()))).append("</td><td>")
                        .append(Html.esc(o.note() == null ? "" : o.note())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        return new Reply(200, Html.page("Reports", req.session, "reports", b.toString()));
    }

    private static String refLink(String ref) {
        return "<a href=\"/review/d/" + Html.url(ref) + "\">" + Html.esc(ref) + "</a>";
    }
}
