package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review page's inputs — paths, query strings, form bodies, cookies — random and mutated,
 * sent raw over a socket by a logged-in admin with a valid form token: every answer is one of
 * the page's documented statuses, never a 500 or a stack trace, and nothing is listed.
 */
class ReviewPageFuzzTest {
    @TempDir
    Path var;

    private static final List<String> PATHS = List.of("/review/", "/review/d/", "/review/overview", "/review/held", "/review/lists",
            "/review/actions", "/review/allow", "/review/unlist", "/review/release", "/review/delete-held", "/review/login",
            "/review/logout", "/review/static/review.css", "/review/nope");
    private static final List<String> PIECES = List.of("%", "%G1", "%00", "%ZZ", "&", "=", "==", "&&", "é", "\u202e", "<script>", "'", "\"",
            "..", "/", "csrf", "ref", "since", "before", "verdict", "kind", "value", "reason", "expires", "force", "back", "next",
            "99999999999999999999", "-1", "0", "%0D%0A", "%0A", "%0D", "/review/%0D%0ASet-Cookie:x=1", "7d", "ip", "address", "domain", "white", "black", "192.0.2.1", "a@b.example", " ", "+");

    @Test
    void randomAndMutatedRequestsGetADocumentedAnswerAndChangeNothing() throws Exception {
        try (GatewayHarness gw = GatewayHarness.withWiser(var, ReviewHttp.yaml(ReviewHttp.accounts(var)))) {
            ReviewHttp admin = new ReviewHttp(gw.gateway.adminPort());
            admin.login("ann", ReviewHttp.PASSWORD);
            String csrf = admin.csrf();
            String cookie = "portcullis_review=" + admin.cookies.get("portcullis_review");
            Random rnd = new Random(20261128);
            Set<Integer> allowed = Set.of(200, 303, 400, 401, 403, 404, 405, 413, 429, 431);
            for (int i = 0; i < 400; i++) {
                String path = PATHS.get(rnd.nextInt(PATHS.size())) + (rnd.nextInt(4) == 0 ? junk(rnd, 3) : "");
                String query = rnd.nextBoolean() ? "?" + junk(rnd, 1 + rnd.nextInt(12)) : "";
                boolean post = rnd.nextBoolean();
                // a valid token but junk fields, so the actions' own checks are what answers
                String body = post ? "csrf=" + csrf + "&" + junk(rnd, rnd.nextInt(20)) : "";
                if (post && rnd.nextInt(20) == 0) {
                    // (on a valid URI: the JDK's server refuses a bad one before reading the body, and resets)
                    path = "/review/allow";
                    query = "";
                    body = "csrf=" + csrf + "&reason=" + "x".repeat(70_000);
                }
                String cookies = switch (rnd.nextInt(4)) {
                    case 0 -> "";
                    case 1 -> "Cookie: " + junk(rnd, 4) + "\r\n";
                    default -> "Cookie: " + cookie + (rnd.nextBoolean() ? "; " + junk(rnd, 2) : "") + "\r\n";
                };
                String request = (post ? "POST " : "GET ") + path.replace(" ", "%20") + query.replace(" ", "+") + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + gw.gateway.adminPort() + "\r\n" + cookies
                        + (post ? "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" : "") + "Connection: close\r\n\r\n" + body;
                String reply;
                try {
                    reply = raw(gw.gateway.adminPort(), request);
                } catch (java.net.SocketException e) {
                    throw new AssertionError("reset on: " + (request.length() > 600 ? request.substring(0, 600) : request), e);
                }
                int status = reply.length() > 12 && reply.startsWith("HTTP/1.1 ") ? Integer.parseInt(reply.substring(9, 12)) : -1;
                assertThat(status).as(request.length() > 300 ? request.substring(0, 300) : request).isIn(allowed);
                // a request line that is no URI never reaches us: the JDK's server answers it with its own
                // one-line 400 ("URISyntaxException thrown"); everything else is our page
                assertThat(reply.replace("<h1>400 Bad Request</h1>URISyntaxException thrown", "")).doesNotContain("Exception", "\tat ");
            }
            String big = "csrf=" + csrf + "&reason=" + "x".repeat(70_000);
            assertThat(raw(gw.gateway.adminPort(), "POST /review/allow HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + big.length()
                    + "\r\nConnection: close\r\n\r\n" + big)).startsWith("HTTP/1.1 413 ").contains("longer than 65536 bytes");
            assertThat(gw.gateway.listStore().all()).as("junk lists nothing").allSatisfy(e -> assertThat(e.source()).isEqualTo("review:ann"));
        }
    }

    private static String junk(Random rnd, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(PIECES.get(rnd.nextInt(PIECES.size())));
            if (rnd.nextInt(3) == 0) {
                b.append((char) (0x20 + rnd.nextInt(0x5f)));
            }
        }
        return b.toString().replace("\r", "").replace("\n", "").replace("#", "");
    }

    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
