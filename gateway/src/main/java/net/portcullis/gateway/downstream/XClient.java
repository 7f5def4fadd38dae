package net.portcullis.gateway.downstream;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a transaction is for, told to the protected server with Postfix's XCLIENT command
 * (postfix.org/XCLIENT_README.html), so that its own per-client controls — access maps, anvil,
 * its log — see the real client rather than the gateway. Values are xtext (RFC 3461 4); a fact
 * we do not have is [UNAVAILABLE], a reverse name that could not be looked up [TEMPUNAVAIL].
 *
 * @param name  the forward-confirmed reverse name, or null
 * @param nameTempfail the reverse lookup failed temporarily (NAME=[TEMPUNAVAIL], as Postfix distinguishes)
 * @param helo  the client's HELO/EHLO name, or null
 * @param esmtp whether the client greeted with EHLO (PROTO=ESMTP) or HELO (SMTP)
 * @param login the SMTP AUTH identity, or null
 */
public record XClient(InetAddress address, int port, String name, boolean nameTempfail, String helo, boolean esmtp, String login) {
    static final String UNAVAILABLE = "[UNAVAILABLE]";

    /** The XCLIENT arguments, only those the server says it takes (its EHLO line: "XCLIENT NAME ADDR ..."). */
    String arguments(Set<String> offered) {
        List<String> out = new ArrayList<>();
        add(out, offered, "NAME", name != null ? name : nameTempfail ? "[TEMPUNAVAIL]" : UNAVAILABLE);
        add(out, offered, "ADDR", address instanceof Inet6Address ? "IPV6:" + address.getHostAddress().replaceFirst("%.*$", "")
                : address.getHostAddress());
        add(out, offered, "PORT", Integer.toString(port));
        add(out, offered, "PROTO", esmtp ? "ESMTP" : "SMTP");
        add(out, offered, "HELO", helo != null ? helo : UNAVAILABLE);
        add(out, offered, "LOGIN", login != null ? login : UNAVAILABLE);
        return String.join(" ", out);
    }

    private static void add(List<String> out, Set<String> offered, String attribute, String value) {
        if (offered.contains(attribute)) {
            out.add(attribute + "=" + xtext(value)); // [UNAVAILABLE] is its own xtext
        }
    }

    /** RFC 3461 4: printable ASCII but '+' and '=' as is, everything else as +XX (UTF-8 bytes). */
    static String xtext(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= '!' && c <= '~' && c != '+' && c != '=') {
                b.append((char) c);
            } else {
                b.append('+').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
