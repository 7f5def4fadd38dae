package net.portcullis.policy.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import net.portcullis.policy.dmarc.OrgDomains;
import net.portcullis.policy.dns.DnsAnswer;
import net.portcullis.policy.dns.Dns;
import net.portcullis.policy.dns.ReverseNames;

/**
 * Who to tell about spam from an address, tried in this order: a DNS contact zone (Abusix
 * style: TXT at {@code reversed-address.zone}), RDAP (RFC 9083: the entity with role
 * {@code abuse}, its vCard email, nested entities included), then {@code abuse@} the
 * registrable domain of the address's PTR name (RFC 6650's fallback). An answer, or the lack of
 * one, is kept a day: networks do not change their abuse desk by the hour. The RDAP client is
 * the JDK's HTTP client with Jackson: RDAP is a JSON document over HTTPS, no library needed.
 */
public final class AbuseContacts {
    /** @param via how it was found: zone, rdap or ptr */
    public record Contact(String address, String via) { }

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dns dns;
    private final String zone;
    private final List<URI> rdap;
    private final boolean ptrFallback;
    private final HttpClient http;
    private final Duration timeout;
    private final Cache<InetAddress, Optional<Contact>> found = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterWrite(Duration.ofDays(1)).maximumSize(100_000).build();

    /**
     * @param zone  the contact zone (e.g. abuse-contacts.abusix.zone), or null
     * @param rdap  RDAP base URLs, asked in order ({@code BASE/ip/ADDRESS}); a registry redirects to the right one
     */
    public AbuseContacts(Dns dns, String zone, List<URI> rdap, boolean ptrFallback, HttpClient http, Duration timeout) {
        this.dns = dns;
        this.zone = zone;
        this.rdap = List.copyOf(rdap);
        this.ptrFallback = ptrFallback;
        this.http = http;
        this.timeout = timeout;
    }

    public Optional<Contact> find(InetAddress ip) {
        return found.get(ip, this::lookUp);
    }

    private Optional<Contact> lookUp(InetAddress ip) {
        if (zone != null) {
            DnsAnswer a = dns.lookup(ReverseNames.reversed(ip) + "." + zone, "TXT");
            for (String v : a.values()) {
                String t = v.replace("\"", "").strip();
                if (EMAIL.matcher(t).matches()) {
                    return Optional.of(new Contact(t.toLowerCase(Locale.ROOT), "zone"));
                }
            }
        }
        for (URI base : rdap) {
            String email = rdap(base, ip);
            if (email != null) {
                return Optional.of(new Contact(email, "rdap"));
            }
        }
        if (ptrFallback) {
            DnsAnswer p = dns.ptr(ip);
            if (p.found() && !p.values().isEmpty()) {
                String org = OrgDomains.of(p.values().get(0).replaceAll("\\.$", "").toLowerCase(Locale.ROOT));
                if (org.contains(".")) {
                    return Optional.of(new Contact("abuse@" + org, "ptr"));
                }
            }
        }
        return Optional.empty();
    }

    private String rdap(URI base, InetAddress ip) {
        String b = base.toString().endsWith("/") ? base.toString() : base + "/";
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(b + "ip/" + ip.getHostAddress())).timeout(timeout)
                    .header("Accept", "application/rdap+json, application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length > 4 << 20) {
                return null;
            }
            return abuseEmail(JSON.readTree(r.body()), 0);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The email of the first entity with role abuse (RFC 9083 5.1, RFC 7095 jCard), depth first. */
    static String abuseEmail(JsonNode node, int depth) {
        if (depth > 8) {
            return null;
        }
        for (JsonNode e : node.path("entities")) {
            boolean abuse = false;
            for (JsonNode role : e.path("roles")) {
                abuse |= role.asText().equalsIgnoreCase("abuse");
            }
            if (abuse) {
                for (JsonNode prop : e.path("vcardArray").path(1)) {
                    if (prop.path(0).asText().equalsIgnoreCase("email") && EMAIL.matcher(prop.path(3).asText()).matches()) {
                        return prop.path(3).asText().toLowerCase(Locale.ROOT);
                    }
                }
            }
            String nested = abuseEmail(e, depth + 1);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }
}
