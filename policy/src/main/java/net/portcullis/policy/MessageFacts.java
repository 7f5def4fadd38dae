package net.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The message as the data-stage checks see it: its header fields (unfolded, in order) and its
 * size. The body is not here: checks that need it are given the spool, never a copy in memory.
 */
public record MessageFacts(List<Header> headers, long size) {
    public record Header(String name, String value) { }

    public MessageFacts {
        headers = List.copyOf(headers);
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                out.add(h.value());
            }
        }
        return out;
    }

    public String first(String name) {
        List<String> a = all(name);
        return a.isEmpty() ? null : a.get(0);
    }

    /** Parses a header block (CRLF lines up to the blank line), unfolding continuation lines. */
    public static MessageFacts parse(byte[] headerBlock, long size) {
        String h = new String(headerBlock, java.nio.charset.StandardCharsets.UTF_8);
        List<Header> out = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : h.split("\r\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(line);
                continue;
            }
            if (name != null) {
                out.add(new Header(name, value.toString().strip()));
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                name = null; // not a header field: ignored here, the header checks report it
                continue;
            }
            name = line.substring(0, colon).strip();
            value = new StringBuilder(line.substring(colon + 1));
        }
        if (name != null) {
            out.add(new Header(name, value.toString().strip()));
        }
        return new MessageFacts(out, size);
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
