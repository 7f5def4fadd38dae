package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.portcullis.policy.store.ActionLog;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review page over HTTP against the real gateway: login, cookies and headers, CSRF, roles,
 * throttling, search and paging, the detail, the overview's charts, and the actions with their
 * record. (The browser test, ReviewBrowserTest, walks the same page in Chromium.)
 */
class ReviewPageTest {
    @TempDir
    Path var;

    GatewayHarness start(String extra) throws Exception {
        return GatewayHarness.withWiser(var, ReviewHttp.yaml(ReviewHttp.accounts(var)) + (extra == null ? "" : extra));
    }

    @Test
    void everyPageNeedsALoginAndWrongPasswordsAreRefusedThenThrottled() throws Exception {
        try (GatewayHarness gw = start(null)) {
            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            HttpResponse<String> first = r.get("/review/overview?range=week");
            assertThat(first.statusCode()).isEqualTo(303);
            assertThat(first.headers().firstValue("Location")).hasValue("/review/login?next=%2Freview%2Foverview%3Frange%3Dweek");
            assertThat(r.get("/review/d/ABCDEFGH").statusCode()).isEqualTo(303);
            assertThat(r.post("/review/allow", Map.of("kind", "ip", "value", "192.0.2.1", "reason", "x")).statusCode()).isEqualTo(401);
            // metrics and health stay where they were, without login
            assertThat(r.get("/health/live").statusCode()).isEqualTo(200);

            HttpResponse<String> form = r.get("/review/login");
            assertThat(form.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
                    assertThat(c).startsWith("portcullis_login=").contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure"));
            assertThat(r.login("ann", "wrong password").statusCode()).isEqualTo(401);
            assertThat(r.login("nobody", ReviewHttp.PASSWORD).statusCode()).isEqualTo(401);
            // a login POST without the form's token (from another site) is refused before the password is tried
            assertThat(r.post("/review/login", Map.of("account", "ann", "password", ReviewHttp.PASSWORD)).statusCode()).isEqualTo(403);
            assertThat(r.cookies).doesNotContainKey("portcullis_review");
            for (int i = 2; i < 10; i++) {
                assertThat(r.login("ann", "wrong " + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> throttled = r.login("ann", ReviewHttp.PASSWORD);
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).hasValue("900");
            assertThat(r.cookies).doesNotContainKey("portcullis_review");
        }
    }

    @Test
    void aSessionCookieIsHttpOnlyStrictAndThePagesCarryAStrictPolicy() throws Exception {
        try (GatewayHarness gw = start(null)) {
            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            HttpResponse<String> in = r.login("vic", ReviewHttp.PASSWORD);
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(in.headers().firstValue("Location")).hasValue("/review/");
            assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("portcullis_review=")
                    .contains("Path=/review/", "HttpOnly", "SameSite=Strict").doesNotContain("Secure", "Max-Age"));
            HttpResponse<String> page = r.get("/review/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(
                    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.body()).contains("vic (viewer)").doesNotContain("<script", "style=\"");
            assertThat(r.get("/review/static/review.css").body()).contains("svg.chart");
            // logging out ends the session on the server, not only in the browser
            String session = r.cookies.get("portcullis_review");
            assertThat(r.post("/review/logout", Map.of("csrf", r.csrf())).statusCode()).isEqualTo(303);
            r.cookies.put("portcullis_review", session);
            assertThat(r.get("/review/").statusCode()).isEqualTo(303);
        }
    }

    @Test
    void behindATlsProxyTheCookiesAreSecure() throws Exception {
        Path accounts = ReviewHttp.accounts(var);
        try (GatewayHarness gw = GatewayHarness.withWiser(var, "review: {accounts: " + accounts + ", behind_tls: true}\n")) {
            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            assertThat(r.login("vic", ReviewHttp.PASSWORD).headers().allValues("Set-Cookie"))
                    .anySatisfy(c -> assertThat(c).startsWith("portcullis_review=").contains("; Secure"));
        }
    }

    @Test
    void aForgedTokenAForeignOriginOrAViewerChangeNothing() throws Exception {
        try (GatewayHarness gw = start(null)) {
            ReviewHttp admin = new ReviewHttp(gw.gateway.adminPort());
            admin.login("ann", ReviewHttp.PASSWORD);
            Map<String, String> allow = new java.util.HashMap<>(Map.of("kind", "ip", "value", "192.0.2.7", "expires", "7d",
                    "reason", "partner relay", "back", "/review/lists"));
            allow.put("csrf", "forged-" + admin.csrf());
            HttpResponse<String> forged = admin.post("/review/allow", allow);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("does not match your session");
            allow.put("csrf", admin.csrf());
            assertThat(admin.post("/review/allow", allow, "http://evil.example").statusCode()).isEqualTo(403);
            // a sandboxed frame or a data: page sends "Origin: null": no origin of ours, whatever the token
            assertThat(admin.post("/review/allow", allow, "null").statusCode()).isEqualTo(403);
            // a back= that could split the redirect's header is a bad request, not a 500
            for (String back : List.of("/review/lists\r\nSet-Cookie: x=1", "/review/\n", "https://evil.example/", "//evil.example/")) {
                Map<String, String> bad = new java.util.HashMap<>(allow);
                bad.put("back", back);
                HttpResponse<String> refused = admin.post("/review/allow", bad, admin.base);
                assertThat(refused.statusCode()).as(back).isEqualTo(400);
                assertThat(refused.body()).contains("not a page of the review site");
            }

            ReviewHttp viewer = new ReviewHttp(gw.gateway.adminPort());
            viewer.login("vic", ReviewHttp.PASSWORD);
            allow.put("csrf", viewer.csrf());
            assertThat(viewer.post("/review/allow", allow).statusCode()).isEqualTo(403);
            assertThat(viewer.get("/review/lists").body()).doesNotContain("action=\"/review/allow\"");
            assertThat(gw.gateway.listStore().all()).isEmpty();
            assertThat(new ActionLog(gw.gateway.listStore().database()).recent(10)).isEmpty();

            // the same form, with the session's token and from the page's own origin, works
            allow.put("csrf", admin.csrf());
            HttpResponse<String> done = admin.post("/review/allow", allow, admin.base);
            assertThat(done.statusCode()).isEqualTo(303);
            assertThat(done.headers().firstValue("Location")).hasValue("/review/lists");
            assertThat(admin.get("/review/lists").body()).contains("Allowlisted ip 192.0.2.7 for 7d.", "review:ann");
            assertThat(gw.gateway.listStore().all()).singleElement().satisfies(e -> {
                assertThat(e.color()).isEqualTo(ListEntry.Color.WHITE);
                assertThat(e.source()).isEqualTo("review:ann");
                assertThat(e.reason()).isEqualTo("partner relay");
                assertThat(e.expires()).isBetween(Instant.now().plusSeconds(7 * 86400 - 60), Instant.now().plusSeconds(7 * 86400 + 60));
            });
            // an action without a reason is refused and not done
            allow.put("value", "192.0.2.8");
            allow.put("reason", "  ");
            admin.post("/review/allow", allow);
            assertThat(admin.get("/review/lists").body()).contains("Say why");
            assertThat(gw.gateway.listStore().all()).hasSize(1);
        }
    }

    @Test
    void anAllowlistedSenderPassesAtTheNextMessageAndRemovingAListingIsRecorded() throws Exception {
        try (GatewayHarness gw = start(null)) {
            Instant now = Instant.now();
            gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.ADDRESS, "news@other.org", "reported",
                    "reports", now, null));
            gw.gateway.lists().load();
            String refused = send(gw, "news@other.org", 554);
            DecisionStoreEndToEndTest.awaitStored(gw, 1);
            String ref = DecisionStoreEndToEndTest.ref(refused);

            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            r.login("ann", ReviewHttp.PASSWORD);
            String detail = r.get("/review/d/" + ref).body();
            assertThat(detail).contains("<code>blacklist.sender</code>", "blacklist.sender", "news@other.org", "id=\"allow-sender\"",
                    "href=\"/review/?sender=news%40other.org\"", "href=\"/review/?client=127.0.0.1\"", "In plain words");
            HttpResponse<String> allowed = r.post("/review/allow", Map.of("csrf", r.csrf(), "kind", "address", "value", "news@other.org",
                    "expires", "30d", "reason", "newsletter the users asked for", "back", "/review/d/" + ref));
            assertThat(allowed.headers().firstValue("Location")).hasValue("/review/d/" + ref);
            assertThat(r.get("/review/d/" + ref).body()).contains("Allowlisted address news@other.org for 30d.");
            send(gw, "news@other.org", 250);
            assertThat(gw.downstream().getMessages()).hasSize(1);

            HttpResponse<String> unlisted = r.post("/review/unlist", Map.of("csrf", r.csrf(), "color", "black", "kind", "address",
                    "value", "news@other.org", "reason", "false report", "back", "/review/lists"));
            assertThat(unlisted.statusCode()).isEqualTo(303);
            assertThat(gw.gateway.listStore().all()).extracting(ListEntry::color).containsExactly(ListEntry.Color.WHITE);
            String actions = r.get("/review/actions").body();
            assertThat(actions).contains("newsletter the users asked for", "white address news@other.org for 30d", "false report",
                    "black address news@other.org", "Removed black address news@other.org.");
            assertThat(new ActionLog(gw.gateway.listStore().database()).recent(10)).extracting(ActionLog.Action::account)
                    .containsOnly("ann").hasSize(2);
        }
    }

    @Test
    void theListSearchesLikeLogQueryPagesByKeysetAndEscapesWhatClientsSent() throws Exception {
        try (GatewayHarness gw = start(null)) {
            DecisionStore store = new DecisionStore(gw.gateway.listStore().database());
            List<DecisionStore.Row> rows = new ArrayList<>();
            Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
            for (int i = 0; i < 120; i++) {
                String ref = String.format("P%07d", i);
                String verdict = i % 3 == 0 ? "rejected" : "accepted";
                String sender = i % 2 == 0 ? "even@one.example" : "odd@two.example";
                String helo = i == 7 ? "<script>alert(1)</script>" : "h.example";
                rows.add(new DecisionStore.Row(ref, t0.plusSeconds(i), "transaction", "192.0.2." + (i % 5), sender, verdict,
                        verdict.equals("rejected") ? "some-rule" : null, List.of("u@example.net"),
                        "{\"event\":\"transaction\",\"ref\":\"" + ref + "\",\"time\":\"" + t0.plusSeconds(i) + "\",\"client\":\"192.0.2."
                                + (i % 5) + "\",\"helo\":\"" + helo + "\",\"sender\":\"" + sender + "\",\"verdict\":\"" + verdict
                                + "\",\"recipients\":[{\"address\":\"u@example.net\",\"outcome\":\"" + verdict + "\"}]}"));
            }
            store.append(rows);
            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            r.login("vic", ReviewHttp.PASSWORD);
            String first = r.get("/review/").body();
            assertThat(refs(first)).hasSize(50).startsWith("P0000119", "P0000118");
            String older = ReviewHttp.field(first.replace("id=\"older\" href", "name=\"older\" value"), "older").replace("&amp;", "&");
            String second = r.get(older).body();
            assertThat(refs(second)).hasSize(50).startsWith("P0000069");
            String third = r.get(ReviewHttp.field(second.replace("id=\"older\" href", "name=\"older\" value"), "older")
                    .replace("&amp;", "&")).body();
            assertThat(refs(third)).hasSize(20).endsWith("P0000000");
            assertThat(third).doesNotContain("id=\"older\"");

            // the filters of log query, and the same refusals
            String filtered = r.get("/review/?verdict=rejected&sender=%40one.example&since=2026-11-20T10:00:30Z").body();
            assertThat(refs(filtered)).allSatisfy(ref -> {
                int i = Integer.parseInt(ref.substring(1));
                assertThat(i % 6).isZero();
                assertThat(i).isGreaterThanOrEqualTo(30);
            }).hasSize(15);
            assertThat(r.get("/review/?verdict=maybe").body()).contains("verdict &#39;maybe&#39;: expected accepted, rejected, tempfail, held, aborted");
            assertThat(r.get("/review/?since=yesterday").statusCode()).isEqualTo(400);
            // a ref in the search box opens its decision
            assertThat(r.get("/review/?ref=p0000007").headers().firstValue("Location")).hasValue("/review/d/P0000007");
            String detail = r.get("/review/d/P0000007").body();
            assertThat(detail).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
            // a viewer sees no action forms
            assertThat(detail).doesNotContain("action=\"/review/allow\"");
            assertThat(r.get("/review/d/NOSUCHRF").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theOverviewDrawsRefusalsPerRuleAndTheMostRefusedClientsAsSvg() throws Exception {
        try (GatewayHarness gw = start(null)) {
            send(gw, "a@other.org", 250);
            try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
                c.expect(220);
                c.send("EHLO client.other.org", 250);
                c.send("MAIL FROM:<spam@bulk.example>", 250);
                c.send("RCPT TO:<victim@elsewhere.com>", 550);
            }
            DecisionStoreEndToEndTest.awaitStored(gw, 2);
            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            r.login("vic", ReviewHttp.PASSWORD);
            String day = r.get("/review/overview").body();
            assertThat(day).contains("<svg class=\"chart\"", "Refusals per rule per hour", "<title>", "relay.closed",
                    "Most refused clients", "127.0.0.1", "Most refused sender domains", "bulk.example",
                    "href=\"/review/?verdict=rejected&amp;since=1d&amp;sender=%40bulk.example\"");
            assertThat(day).containsPattern("<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"[0-9.]+\" fill=\"#[0-9A-F]{6}\"><title>"
                    + "[0-9-]+ [0-9]+h relay.closed: 1</title>");
            assertThat(r.get("/review/overview?range=week").body()).contains("<strong>Last week</strong>");
        }
    }

    /** One message from {@code sender} to u@example.net; the reply to RCPT when it is refused (refusals wait for RCPT), else to the end of data. */
    @Test
    void reportsInAreListedANotSpamFlagsItsDecisionAndAnAdminReportsFromTheDecisionsPage() throws Exception {
        try (GatewayHarness gw = start("reports: {reporters: 2}\n")) {
            String ref = DecisionStoreEndToEndTest.ref(send(gw, "news@other.org", 250));
            DecisionStoreEndToEndTest.awaitStored(gw, 1);
            byte[] delivered = gw.downstream().getMessages().get(0).getData();
            gw.gateway.reportIntake().ingestMessage("u@example.net", false, delivered);
            gw.gateway.reportIntake().ingestMessage("mallory@example.net", true, "Subject: not ours\r\n\r\nhi\r\n".getBytes());

            ReviewHttp r = new ReviewHttp(gw.gateway.adminPort());
            r.login("vic", ReviewHttp.PASSWORD);
            String page = r.get("/review/reports").body();
            assertThat(page).contains("id=\"flagged\"", "href=\"/review/d/" + ref + "\"", "u@example.net", "not-spam",
                    "no: never seen: the message has no Received field of ours", "id=\"reports-out-none\"");
            assertThat(r.get("/review/d/" + ref).body()).contains("id=\"reports\"", "<strong>u@example.net</strong> says",
                    ">not spam</span>").doesNotContain("id=\"report\"");
            assertThat(r.post("/review/report", Map.of("csrf", r.csrf(), "ref", ref, "says", "spam", "reason", "x")).statusCode())
                    .as("a viewer reads, does not report").isEqualTo(403);

            ReviewHttp admin = new ReviewHttp(gw.gateway.adminPort());
            admin.login("ann", ReviewHttp.PASSWORD);
            assertThat(admin.get("/review/d/" + ref).body()).contains("id=\"report\"");
            HttpResponse<String> reported = admin.post("/review/report", Map.of("csrf", admin.csrf(), "ref", ref, "says", "spam",
                    "reason", "a list nobody signed up for", "back", "/review/d/" + ref));
            assertThat(reported.statusCode()).isEqualTo(303);
            assertThat(admin.get("/review/d/" + ref).body()).contains("Reported spam " + ref, "<strong>review:ann</strong> says");
            assertThat(new ActionLog(gw.gateway.listStore().database()).recent(10)).extracting(ActionLog.Action::target)
                    .containsExactly("spam " + ref);
        }
    }

    static String send(GatewayHarness gw, String sender, int expected) throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<" + sender + ">", 250);
            if (expected != 250) {
                return c.send("RCPT TO:<u@example.net>", expected);
            }
            c.send("RCPT TO:<u@example.net>", 250);
            c.send("DATA", 354);
            c.write("From: " + sender + "\r\nSubject: hello\r\n\r\nhi\r\n.\r\n");
            return c.expect(250);
        }
    }

    private static List<String> refs(String html) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<a href=\"/review/d/(\\w+)\">").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
