package net.portcullis.policy.content;

import java.net.IDN;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.nibor.autolink.LinkExtractor;
import org.nibor.autolink.LinkSpan;
import org.nibor.autolink.LinkType;

/**
 * The hosts that links in a message's text point to: URLs and bare {@code www.} hosts in plain
 * text (autolink), and in HTML the targets of links, images, frames and forms plus the URLs in
 * its text (jsoup, which also undoes HTML entities). Hosts are lower case, IDNs in punycode,
 * without user info or port; at most {@code max} are kept, in the order met.
 */
public final class LinkHosts {
    private static final LinkExtractor TEXT_LINKS = LinkExtractor.builder().linkTypes(EnumSet.of(LinkType.URL, LinkType.WWW)).build();
    private static final String HTML_TARGETS = "a[href], area[href], link[href], img[src], iframe[src], frame[src], form[action], "
            + "input[src], embed[src], object[data], source[src], video[src], audio[src]";

    private final int max;
    private final Set<String> hosts = new LinkedHashSet<>();
    private int links;
    private boolean full;

    public LinkHosts(int max) {
        this.max = max;
    }

    /** Adds the hosts of a text part ({@code subtype} "html" or "plain"). */
    public void add(String subtype, String text) {
        if (subtype.equals("html")) {
            Document doc = Jsoup.parse(text);
            for (Element e : doc.select(HTML_TARGETS)) {
                for (String attr : new String[] {"href", "src", "action", "data"}) {
                    if (e.hasAttr(attr)) {
                        url(e.attr(attr));
                    }
                }
            }
            plain(doc.text());
        } else {
            plain(text);
        }
    }

    private void plain(String text) {
        for (LinkSpan s : TEXT_LINKS.extractLinks(text)) {
            url(text.substring(s.getBeginIndex(), s.getEndIndex()));
        }
    }

    private void url(String raw) {
        links++;
        String host = host(raw);
        if (host == null) {
            return;
        }
        if (hosts.size() >= max) {
            full |= !hosts.contains(host);
            return;
        }
        hosts.add(host);
    }

    /** The host of a URL (http, https, ftp, or a bare www. host), or null when it has none we can look up. */
    public static String host(String raw) {
        String s = raw.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            String sc = s.substring(0, scheme).toLowerCase(Locale.ROOT);
            if (!sc.equals("http") && !sc.equals("https") && !sc.equals("ftp")) {
                return null;
            }
            s = s.substring(scheme + 3);
        } else if (s.regionMatches(true, 0, "//", 0, 2)) {
            s = s.substring(2);
        } else if (!s.regionMatches(true, 0, "www.", 0, 4)) {
            return null; // relative links, mailto:, cid:, javascript: and the like
        }
        int end = s.length();
        for (char c : new char[] {'/', '?', '#', '\\'}) {
            int at = s.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String authority = s.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            host = close < 0 ? authority.substring(1) : authority.substring(1, close);
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
        }
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            return null;
        }
        try {
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null; // not a host name any resolver would take
        }
        return host.matches("[a-z0-9._:-]+") && (host.contains(".") || host.contains(":")) ? host : null;
    }

    /** The hosts, in the order met. */
    public Set<String> hosts() {
        return hosts;
    }

    /** How many links were met, whether or not they had a host. */
    public int links() {
        return links;
    }

    /** Whether hosts were left out because {@code max} were kept already. */
    public boolean full() {
        return full;
    }
}
