package net.portcullis.policy.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A client of rspamd's HTTP protocol: the message POSTed to {@code /checkv2} with the envelope
 * and client facts in request headers (IP, Helo, Hostname, From, Rcpt, User), the verdict read
 * from its JSON answer. The JDK's HTTP client and Jackson do the work; rspamd publishes no Java
 * client.
 */
public final class Rspamd {
    /** What the scan is told about the message's transaction. */
    public record Envelope(String clientIp, String helo, String hostname, String from, List<String> rcpts, String user) { }

    /** rspamd's answer: its score, the score its reject action needs, its action, and the symbols that matched. */
    public record Verdict(double score, double required, String action, List<String> symbols, String server) { }

    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> servers;
    private final Duration timeout;
    private final HttpClient http;

    /** @param servers base URLs, e.g. http://127.0.0.1:11333, tried in order */
    public Rspamd(List<URI> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The verdict of the first server that answers; IOException when none does. */
    public Verdict check(Envelope env, Source message) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (URI base : servers) {
            try {
                return check(base, env, message);
            } catch (IOException e) {
                failures.add(base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        throw new IOException(String.join("; ", failures));
    }

    private Verdict check(URI base, Envelope env, Source message) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/checkv2")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return message.open();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
        header(req, "IP", env.clientIp());
        header(req, "Helo", env.helo());
        header(req, "Hostname", env.hostname());
        header(req, "From", env.from());
        header(req, "User", env.user());
        for (String r : env.rcpts()) {
            header(req, "Rcpt", r);
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
        }
        if (res.statusCode() != 200) {
            throw new IOException("HTTP " + res.statusCode() + " " + res.body().lines().findFirst().orElse(""));
        }
        return parse(res.body(), base.toString());
    }

    private static void header(HttpRequest.Builder req, String name, String value) {
        if (value != null && !value.isEmpty() && value.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
            req.header(name, value);
        }
    }

    static Verdict parse(String body, String server) throws IOException {
        JsonNode j;
        try {
            j = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("rspamd answered something that is not JSON: " + e.getMessage());
        }
        if (j == null || !j.has("action") || !j.has("score")) {
            throw new IOException("rspamd's answer has no action or score");
        }
        List<String> symbols = new ArrayList<>();
        JsonNode s = j.path("symbols");
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            symbols.add(it.next().getKey());
        }
        return new Verdict(j.path("score").asDouble(), j.path("required_score").asDouble(), j.path("action").asText(),
                List.copyOf(symbols), server);
    }
}
