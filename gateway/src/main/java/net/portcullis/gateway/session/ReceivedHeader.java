package net.portcullis.gateway.session;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The trace header we add (RFC 5321 4.4): from the HELO name with the reverse name and address
 * in the TCP-info comment, by our hostname, with (E)SMTP[S][A] per RFC 3848, the TLS version and
 * cipher as a comment, our reference id, and "for" only when there is a single recipient, so a
 * message to many does not reveal its other recipients.
 */
public final class ReceivedHeader {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private ReceivedHeader() {
    }

    public record Facts(String helo, boolean ehlo, String reverseName, String address, String hostname, String tlsProtocol,
                 String tlsCipher, boolean authenticated, String ref, List<String> recipients, ZonedDateTime time) { }

    public static byte[] build(Facts f) {
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ").append(f.helo() == null ? "unknown" : clean(f.helo()));
        h.append(" (");
        // reverseName is null unless forward-confirmed: "unknown", as Postfix writes it
        h.append(f.reverseName() == null ? "unknown" : clean(f.reverseName())).append(' ');
        h.append('[').append(f.address()).append("])\r\n");
        h.append("\tby ").append(f.hostname()).append(" (Portcullis) with ");
        String proto = f.ehlo() ? "ESMTP" : "SMTP";
        if (f.ehlo() && f.tlsProtocol() != null) {
            proto += "S";
        }
        if (f.ehlo() && f.authenticated()) {
            proto += "A";
        }
        h.append(proto).append(" id ").append(f.ref());
        if (f.tlsProtocol() != null) {
            h.append("\r\n\t(using ").append(f.tlsProtocol()).append(" with cipher ").append(f.tlsCipher()).append(')');
        }
        if (f.recipients().size() == 1) {
            h.append("\r\n\tfor <").append(clean(f.recipients().get(0))).append('>');
        }
        h.append(";\r\n\t").append(DATE.format(f.time())).append("\r\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Client-supplied names may hold anything; keep the header one well-formed field. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 255));
        for (int i = 0; i < s.length() && b.length() < 255; i++) {
            char c = s.charAt(i);
            b.append(c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\' && c != ';' ? c : '_');
        }
        return b.toString();
    }
}
