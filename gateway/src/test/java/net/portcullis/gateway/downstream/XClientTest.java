package net.portcullis.gateway.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The XCLIENT arguments: only what the server offers, xtext values, IPv6 as Postfix writes it, unknowns marked. */
class XClientTest {
    static final Set<String> ALL = Set.of("NAME", "ADDR", "PORT", "PROTO", "HELO", "LOGIN", "REVERSE_NAME", "DESTADDR");

    @Test
    void everyAttributeTheServerOffers() throws Exception {
        XClient x = new XClient(InetAddress.getByName("198.51.100.7"), 40000, "mail.other.org", false, "mail.other.org", true, "joe");
        assertThat(x.arguments(ALL)).isEqualTo("NAME=mail.other.org ADDR=198.51.100.7 PORT=40000 PROTO=ESMTP HELO=mail.other.org LOGIN=joe");
        assertThat(x.arguments(Set.of("ADDR", "NAME"))).isEqualTo("NAME=mail.other.org ADDR=198.51.100.7");
    }

    @Test
    void unknownsIpv6AndOddCharacters() throws Exception {
        XClient x = new XClient(InetAddress.getByName("2001:db8::7"), 25, null, true, "weird name+=é", false, null);
        assertThat(x.arguments(ALL)).isEqualTo(
                "NAME=[TEMPUNAVAIL] ADDR=IPV6:2001:db8:0:0:0:0:0:7 PORT=25 PROTO=SMTP HELO=weird+20name+2B+3D+C3+A9 LOGIN=[UNAVAILABLE]");
        XClient none = new XClient(InetAddress.getByName("198.51.100.7"), 1, null, false, null, true, null);
        assertThat(none.arguments(Set.of("NAME", "HELO"))).isEqualTo("NAME=[UNAVAILABLE] HELO=[UNAVAILABLE]");
    }
}
