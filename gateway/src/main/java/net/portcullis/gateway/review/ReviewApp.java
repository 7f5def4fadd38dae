package net.portcullis.gateway.review;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import net.portcullis.gateway.hold.HoldRelease;
import net.portcullis.policy.store.ActionLog;
import net.portcullis.policy.store.DecisionStore;
import net.portcullis.policy.store.HoldStore;
import net.portcullis.policy.store.ListStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page, under {@code /review/} on the admin listener: login, then the decision log
 * (search, detail, overview) for every reviewer, and the actions (allowlist, remove a listing,
 * release or delete held mail) for admins. No script: forms and links only, so a strict
 * Content-Security-Policy holds, and every state change is a POST carrying the session's token.
 */
public final class ReviewApp implements HttpHandler {
    /** What the page reads and changes. {@code listsChanged} makes the gateway read its lists now. */
    public record Backend(DecisionStore decisions, ListStore lists, Runnable listsChanged, HoldStore holds, HoldRelease release,
                          ActionLog actions, net.portcullis.policy.reports.ReportStore reports,
                          net.portcullis.policy.reports.ReportIntake intake, net.portcullis.policy.reports.AbuseReportStore reportsOut) { }

    static final String COOKIE = "portcullis_review";
    static final String LOGIN_COOKIE = "portcullis_login";
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'";
    private static final Logger LOG = LoggerFactory.getLogger(ReviewApp.class);

    private final ReviewAccounts accounts;
    private final ReviewSessions sessions;
    private final boolean secure;
    private final DecisionPages decisionPages;
    private final OverviewPage overview;
    private final AdminPages adminPages;
    private final ReportsPage reportsPage;
    private final byte[] css;

    public ReviewApp(Path accountsFile, boolean behindTls, Duration idle, Backend backend) throws IOException {
        this.accounts = new ReviewAccounts(accountsFile);
        this.sessions = new ReviewSessions(idle);
        this.secure = behindTls;
        this.adminPages = new AdminPages(backend, sessions);
        this.decisionPages = new DecisionPages(backend, adminPages);
        this.overview = new OverviewPage(backend.decisions());
        this.reportsPage = new ReportsPage(backend.reports(), backend.reportsOut());
        try (InputStream in = ReviewApp.class.getResourceAsStream("/review/review.css")) {
            this.css = in.readAllBytes();
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "same-origin");
            h.set("Cache-Control", "no-store");
            String path = ex.getRequestURI().getPath();
            if (path.equals("/review/static/review.css")) {
                h.set("Cache-Control", "max-age=3600");
                send(ex, 200, "text/css; charset=utf-8", css);
                return;
            }
            if (path.equals("/review")) {
                redirect(ex, "/review/");
                return;
            }
            Request req;
            try {
                req = Request.read(ex);
            } catch (IllegalStateException e) {
                html(ex, new Reply(e instanceof Request.TooLong ? 413 : 400, Html.page("Bad request", null, "",
                        Html.notice("error", e.getMessage()))));
                return;
            }
            if (!req.method.equals("GET") && !req.method.equals("POST")) {
                html(ex, new Reply(405, Html.page("Not allowed", null, "", Html.notice("error", "Only GET and POST are served here."))));
                return;
            }
            if (req.method.equals("POST") && !sameOrigin(ex)) {
                html(ex, new Reply(403, Html.page("Refused", null, "", Html.notice("error", "This form came from another site."))));
                return;
            }
            if (path.equals("/review/login")) {
                login(req);
                return;
            }
            req.session = current(req);
            if (req.session == null) {
                if (req.method.equals("GET")) {
                    redirect(ex, "/review/login?next=" + Html.url(path + (ex.getRequestURI().getRawQuery() == null ? ""
                            : "?" + ex.getRequestURI().getRawQuery())));
                } else {
                    html(ex, new Reply(401, Html.page("Logged out", null, "", Html.notice("error",
                            "Your session ended: log in again and repeat the action.") + "<p><a href=\"/review/login\">Log in</a></p>")));
                }
                return;
            }
            if (req.method.equals("POST") && !tokenMatches(req.f("csrf"), req.session.csrf())) {
                LOG.warn("review: POST {} by {} with a wrong form token refused", path, req.session.account());
                html(ex, new Reply(403, Html.page("Refused", req.session, "", Html.notice("error",
                        "The form's token does not match your session: reload the page and try again."))));
                return;
            }
            html(ex, route(req));
        } catch (SQLException e) {
            LOG.warn("review page: the store failed: {}", e.getMessage());
            html(ex, new Reply(503, Html.page("Store unavailable", null, "", Html.notice("error",
                    "The store cannot be read right now: " + e.getMessage()))));
        } catch (RuntimeException e) {
            LOG.warn("review page: {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            html(ex, new Reply(500, Html.page("Error", null, "", Html.notice("error", "The page could not be made; the log says why."))));
        } finally {
            ex.close();
        }
    }

    private Reply route(Request req) throws IOException, SQLException {
        String path = req.path;
        boolean get = req.method.equals("GET");
        if (path.equals("/review/logout") && !get) {
            sessions.close(req.session.id());
            req.exchange.getResponseHeaders().add("Set-Cookie", cookie(COOKIE, "", "/review/", 0));
            return Reply.redirect("/review/login");
        }
        if (get) {
            if (path.equals("/review/")) {
                return decisionPages.list(req);
            }
            if (path.startsWith("/review/d/")) {
                return decisionPages.detail(req, path.substring("/review/d/".length()));
            }
            if (path.equals("/review/overview")) {
                return overview.render(req);
            }
            if (path.equals("/review/held")) {
                return adminPages.held(req);
            }
            if (path.equals("/review/lists")) {
                return adminPages.lists(req);
            }
            if (path.equals("/review/actions")) {
                return adminPages.actions(req);
            }
            if (path.equals("/review/reports")) {
                return reportsPage.render(req);
            }
            return new Reply(404, Html.page("Not found", req.session, "", Html.notice("error", "There is no such page.")));
        }
        if (!req.session.admin()) {
            return new Reply(403, Html.page("Not allowed", req.session, "", Html.notice("error",
                    "Your account reads; acting needs an admin account.")));
        }
        return adminPages.act(req);
    }

    private void login(Request req) throws IOException {
        HttpExchange ex = req.exchange;
        String next = safeNext(req.method.equals("GET") ? req.q("next") : req.f("next"));
        if (req.method.equals("GET")) {
            String nonce = ReviewSessions.token();
            ex.getResponseHeaders().add("Set-Cookie", cookie(LOGIN_COOKIE, nonce, "/review/login", 600));
            html(ex, new Reply(200, loginPage(nonce, next, null)));
            return;
        }
        // the login form carries a token too: another site must not log a browser in to an account of its choosing
        String cookieNonce = req.cookie(LOGIN_COOKIE);
        if (cookieNonce == null || !tokenMatches(req.f("csrf"), cookieNonce)) {
            html(ex, new Reply(403, loginPage(fresh(ex), next, "The login form expired or did not come from this page: try again.")));
            return;
        }
        String name = req.f("account").strip();
        java.net.InetAddress from = ex.getRemoteAddress().getAddress();
        if (!sessions.mayTry(from, name)) {
            ex.getResponseHeaders().set("Retry-After", "900");
            LOG.warn("review: login throttled for {} from {}", name, from.getHostAddress());
            html(ex, new Reply(429, loginPage(fresh(ex), next, "Too many failed logins: wait a quarter of an hour.")));
            return;
        }
        String role = name.isEmpty() ? null : accounts.authenticate(name, req.f("password"));
        if (role == null) {
            sessions.failed(from, name);
            LOG.warn("review: failed login for {} from {}", name, from.getHostAddress());
            html(ex, new Reply(401, loginPage(fresh(ex), next, "Wrong account name or password.")));
            return;
        }
        Session s = sessions.open(name, role);
        LOG.info("review: {} ({}) logged in from {}", name, role, from.getHostAddress());
        ex.getResponseHeaders().add("Set-Cookie", cookie(LOGIN_COOKIE, "", "/review/login", 0));
        ex.getResponseHeaders().add("Set-Cookie", cookie(COOKIE, s.id(), "/review/", -1));
        redirect(ex, next);
    }

    private String fresh(HttpExchange ex) {
        String nonce = ReviewSessions.token();
        ex.getResponseHeaders().add("Set-Cookie", cookie(LOGIN_COOKIE, nonce, "/review/login", 600));
        return nonce;
    }

    private static String loginPage(String nonce, String next, String error) {
        return Html.page("Log in", null, "", (error == null ? "" : Html.notice("error", error))
                + "<form method=\"post\" action=\"/review/login\" class=\"login\"><input type=\"hidden\" name=\"csrf\" value=\""
                + Html.esc(nonce) + "\"><input type=\"hidden\" name=\"next\" value=\"" + Html.esc(next) + "\">"
                + "<label>Account <input name=\"account\" id=\"account\" autocomplete=\"username\" required autofocus></label>"
                + "<label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
                + "</label><button type=\"submit\" id=\"login\">Log in</button></form>");
    }

    /** Where to go after login: only a page of ours (no open redirect). */
    private static String safeNext(String next) {
        return isPageOfOurs(next) ? next : "/review/";
    }

    /** A path that may follow a 303: one of the review pages, nothing another site or a header could be made of. */
    static boolean isPageOfOurs(String path) {
        return path.startsWith("/review/") && !path.startsWith("//") && !path.contains("\\")
                && path.chars().noneMatch(c -> c < 0x21 || c == 0x7f);
    }

    /** The session of the request's cookie, with the account's role as the accounts file says now. */
    private Session current(Request req) {
        Session s = sessions.find(req.cookie(COOKIE));
        if (s == null) {
            return null;
        }
        String role = accounts.role(s.account());
        if (role == null) {
            sessions.close(s.id()); // the account was removed
            return null;
        }
        return role.equals(s.role()) ? s : new Session(s.id(), s.account(), role, s.csrf(), s.started());
    }

    /**
     * A POST whose Origin (browsers send it with every POST) names another site is refused whatever
     * its token. Behind a TLS proxy the page's own origin is the proxy's, which it passes as the
     * Host header or as X-Forwarded-Host.
     */
    private boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true; // not a browser: the form token decides
        }
        if (!origin.startsWith("http://") && !origin.startsWith("https://")) {
            return false; // "null" (a sandboxed frame, a data: page, a redirect from elsewhere) is no origin of ours
        }
        String bare = origin.replaceFirst("^https?://", "");
        String host = ex.getRequestHeaders().getFirst("Host");
        String forwarded = secure ? ex.getRequestHeaders().getFirst("X-Forwarded-Host") : null;
        return bare.equalsIgnoreCase(host) || bare.equalsIgnoreCase(forwarded);
    }

    private static boolean tokenMatches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private String cookie(String name, String value, String path, int maxAge) {
        return name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    private static void redirect(HttpExchange ex, String to) throws IOException {
        ex.getResponseHeaders().set("Location", to);
        ex.sendResponseHeaders(303, -1);
    }

    private static void html(HttpExchange ex, Reply r) throws IOException {
        if (r.location() != null) {
            redirect(ex, r.location());
            return;
        }
        send(ex, r.code(), "text/html; charset=utf-8", r.html().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
