package net.portcullis.gateway.review;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.portcullis.policy.store.DecisionStore;

/**
 * The overview: refusals per rule per hour, accepted against refused, and the most refused clients
 * and sender domains, over the last day or week. The counts are cached for a minute: a week of a
 * busy gateway is a million rows to group, and a reviewer reloading the page should not redo it.
 */
final class OverviewPage {
    private record Counts(Instant at, Map<String, Map<Instant, Long>> byRule, Map<String, Map<Instant, Long>> byVerdict,
                          Map<String, Long> clients, Map<String, Long> domains) { }

    private static final Map<String, String> VERDICT_COLOURS = Map.of("accepted", "#009E73", "rejected", "#D55E00",
            "tempfail", "#E69F00", "held", "#0072B2", "aborted", "#999999");
    private final DecisionStore decisions;
    private final com.github.benmanes.caffeine.cache.Cache<String, Counts> cache =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).build();

    OverviewPage(DecisionStore decisions) {
        this.decisions = decisions;
    }

    Reply render(Request req) throws SQLException {
        boolean week = req.q("range").equals("week");
        String key = week ? "week" : "day";
        Counts c = cache.getIfPresent(key);
        if (c == null || req.q("fresh").equals("1")) {
            Instant now = Instant.now();
            Instant since = now.minus(week ? Duration.ofDays(7) : Duration.ofDays(1));
            c = new Counts(now, decisions.refusalsByRuleAndHour(since), decisions.verdictsByHour(since),
                    decisions.topRefused(DecisionStore.Top.CLIENT, since, 10), decisions.topRefused(DecisionStore.Top.SENDER_DOMAIN, since, 10));
            cache.put(key, c);
        }
        Instant since = c.at().minus(week ? Duration.ofDays(7) : Duration.ofDays(1));
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"range\">").append(week ? "<a href=\"/review/overview\">Last day</a> · <strong>Last week</strong>"
                : "<strong>Last day</strong> · <a href=\"/review/overview?range=week\">Last week</a>")
                .append(" · counted at ").append(Html.esc(c.at().toString().replaceAll("\\.\\d+Z$", "Z")))
                .append(" (<a href=\"/review/overview?fresh=1").append(week ? "&amp;range=week" : "").append("\">count again</a>)</p>");
        b.append(SvgCharts.stackedHours("refusals-by-rule", "Refusals per rule per hour", c.byRule(), since, c.at(), Map.of()));
        b.append(SvgCharts.stackedHours("verdicts", "Accepted and refused per hour", c.byVerdict(), since, c.at(), VERDICT_COLOURS));
        b.append("<div class=\"pair\">");
        b.append(SvgCharts.bars("top-clients", "Most refused clients", c.clients(), "/review/?verdict=rejected&since=" + (week ? "7d" : "1d") + "&client="));
        b.append(SvgCharts.bars("top-domains", "Most refused sender domains", c.domains(), "/review/?verdict=rejected&since="
                + (week ? "7d" : "1d") + "&sender=%40"));
        b.append("</div>");
        return new Reply(200, Html.page("Overview", req.session, "overview", b.toString()));
    }
}
