package net.portcullis.policy.reports;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header block of a reported message with our users' addresses taken out (RFC 6590), as it
 * may go back to the network the spam came from: every address in a recipient field (To, Cc,
 * Bcc, Delivered-To, X-Original-To, Envelope-To; their display names dropped), in a Received
 * field's "for", and any address at one of our domains anywhere, becomes {@code redacted@domain}. The sender's own fields stay:
 * they are what the network needs to find its customer.
 */
public final class Redaction {
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)");
    private static final Set<String> RECIPIENT_FIELDS = Set.of("to", "cc", "bcc", "delivered-to", "x-original-to", "envelope-to",
            "x-rcpt-to", "resent-to", "resent-cc");
    static final int MAX_HEADERS = 64 * 1024;

    private Redaction() {
    }

    /** The message's header block (at most 64 KB), redacted; our domains' addresses wherever they are. */
    public static String headers(byte[] message, Set<String> ourDomains) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        String block = end < 0 ? text : text.substring(0, end);
        if (block.length() > MAX_HEADERS) {
            block = block.substring(0, block.lastIndexOf('\n', MAX_HEADERS) + 1);
        }
        StringBuilder out = new StringBuilder(block.length());
        // unfolded field by field: a folded To keeps its continuation lines in its field
        for (String field : block.split("\r?\n(?![ \t])")) {
            int colon = field.indexOf(':');
            String name = colon < 0 ? "" : field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String redacted;
            if (RECIPIENT_FIELDS.contains(name)) {
                redacted = all(field, colon + 1);
            } else if (name.equals("received")) {
                redacted = forClause(field);
            } else {
                redacted = field;
            }
            out.append(ours(redacted, ourDomains)).append("\r\n");
        }
        return out.toString();
    }

    /** A recipient field: its addresses only, each redacted; display names (a user's name) are dropped. */
    private static String all(String field, int from) {
        Matcher m = ADDRESS.matcher(field.substring(from));
        java.util.List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add("redacted@" + m.group(1));
        }
        return field.substring(0, from) + " " + (out.isEmpty() ? "undisclosed-recipients:;" : String.join(", ", out));
    }

    private static String forClause(String field) {
        return Pattern.compile("(?i)(\\bfor\\s+<?)[^\\s<>;@]+@").matcher(field).replaceAll("$1redacted@");
    }

    private static String ours(String field, Set<String> ourDomains) {
        Matcher m = ADDRESS.matcher(field);
        StringBuilder b = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String domain = m.group(1).toLowerCase(Locale.ROOT);
            boolean ourDomain = ourDomains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
            if (ourDomain && !m.group().toLowerCase(Locale.ROOT).startsWith("redacted@")) {
                b.append(field, last, m.start()).append("redacted@").append(m.group(1));
                last = m.end();
            }
        }
        return b.append(field.substring(last)).toString();
    }
}
