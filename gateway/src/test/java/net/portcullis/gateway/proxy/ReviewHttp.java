package net.portcullis.gateway.proxy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.PasswordFile;

/** A browser-less client of the review page, for the HTTP-level tests: keeps its cookies, follows nothing by itself. */
final class ReviewHttp {
    final String base;
    final HttpClient http;
    final Map<String, String> cookies = new LinkedHashMap<>();

    ReviewHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** An accounts file: ann is admin, vic viewer; both with the password "correct horse battery". */
    static Path accounts(Path dir) throws Exception {
        Path f = dir.resolve("reviewers");
        Files.writeString(f, PasswordFile.line("ann", "admin", PASSWORD.toCharArray()) + "\n"
                + PasswordFile.line("vic", "viewer", PASSWORD.toCharArray()) + "\n");
        return f;
    }

    static final String PASSWORD = "correct horse battery";

    static String yaml(Path accounts) {
        return "review: {accounts: " + accounts + "}\n";
    }

    HttpResponse<String> get(String path) throws Exception {
        return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        return post(path, form, null);
    }

    HttpResponse<String> post(String path, Map<String, String> form, String origin) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return remember(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Logs in; returns the reply to the login POST. */
    HttpResponse<String> login(String account, String password) throws Exception {
        String nonce = field(get("/review/login").body(), "csrf");
        return post("/review/login", Map.of("csrf", nonce, "account", account, "password", password, "next", "/review/"));
    }

    /** The session's form token, read from a page as a browser would. */
    String csrf() throws Exception {
        return field(get("/review/actions").body(), "csrf");
    }

    static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in " + html);
        }
        return m.group(1);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (!cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        return b;
    }

    private HttpResponse<String> remember(HttpResponse<String> r) {
        for (String set : r.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || set.contains("Max-Age=0")) {
                cookies.remove(pair.substring(0, eq));
            } else {
                cookies.put(pair.substring(0, eq), value);
            }
        }
        return r;
    }
}
