package net.portcullis.policy.consent;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.portcullis.policy.MessageFacts;

/**
 * RFC 8058 one-click unsubscription, done for the user: a message whose header carries
 * {@code List-Unsubscribe: <https://…>} and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}
 * is unsubscribed by a POST of {@code List-Unsubscribe=One-Click} to that URI — no cookies, no
 * credentials, no redirect followed (RFC 8058 3.1). The URI comes from the sender, so the POST
 * goes only over HTTPS to a public address: never to our own networks (a request forged into our
 * infrastructure), unless {@code insecure} (tests on loopback) says otherwise.
 */
public final class OneClickUnsubscribe {
    private static final Pattern HTTPS = Pattern.compile("<(https?://[^>\\s]+)>", Pattern.CASE_INSENSITIVE);

    private final HttpClient http;
    private final Duration timeout;
    private final boolean insecure;

    /** @param insecure allow http:// and private or loopback addresses: for tests only */
    public OneClickUnsubscribe(Duration timeout, boolean insecure) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.insecure = insecure;
    }

    /** The one-click URI a message offers, or empty when it offers none (no List-Unsubscribe-Post, no https URI). */
    public Optional<URI> offeredBy(byte[] message) {
        return offeredBy(message, insecure);
    }

    /** As {@link #offeredBy(byte[])}, without a client: {@code insecure} also takes an http:// URI. */
    public static Optional<URI> offeredBy(byte[] message, boolean insecure) {
        MessageFacts m = MessageFacts.of(message);
        String post = m.first("List-Unsubscribe-Post");
        String list = m.first("List-Unsubscribe");
        if (post == null || list == null || !post.replaceAll("\\s", "").equalsIgnoreCase("List-Unsubscribe=One-Click")) {
            return Optional.empty();
        }
        Matcher u = HTTPS.matcher(list);
        while (u.find()) {
            try {
                URI uri = URI.create(u.group(1));
                if (uri.getHost() != null && (insecure || "https".equalsIgnoreCase(uri.getScheme()))) {
                    return Optional.of(uri);
                }
            } catch (IllegalArgumentException bad) {
                // a malformed URI in a sender's header: the next one, if any
            }
        }
        return Optional.empty();
    }

    /** What the sender's server answered. */
    public record Outcome(boolean done, String detail) { }

    /** POSTs the one-click request; a 2xx is done, anything else (or no answer) is said in the detail. */
    public Outcome post(URI uri) {
        try {
            if (!insecure) {
                for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                            || a.isMulticastAddress() || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc)) {
                        return new Outcome(false, uri.getHost() + " is a private address: not asked");
                    }
                }
            }
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() / 100 == 2;
            return new Outcome(ok, "POST " + uri + " -> HTTP " + r.statusCode());
        } catch (UnknownHostException e) {
            return new Outcome(false, uri.getHost() + " does not resolve");
        } catch (java.io.IOException | IllegalArgumentException e) {
            return new Outcome(false, "POST " + uri + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }
}
