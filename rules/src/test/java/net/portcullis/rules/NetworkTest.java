package net.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworkTest {
    @ParameterizedTest
    @CsvSource({
            "192.0.2.0/24, 192.0.2.77, true",
            "192.0.2.0/24, 192.0.3.1, false",
            "192.0.2.128/25, 192.0.2.127, false",
            "127.0.0.1, 127.0.0.1, true",
            "0.0.0.0/0, 203.0.113.9, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "192.0.2.0/24, ::1, false",
    })
    void containment(String cidr, String addr, boolean inside) throws Exception {
        assertThat(Network.parse(cidr).contains(InetAddress.getByName(addr))).isEqualTo(inside);
    }

    @Test
    void ipv4MappedClientsMatchIpv4Ranges() throws Exception {
        Networks n = Networks.parse(List.of("192.0.2.0/24"));
        assertThat(n.match(InetAddress.getByName("::ffff:192.0.2.5"))).isPresent();
    }

    @Test
    void namesAreNeverResolved() {
        assertThatThrownBy(() -> Network.parse("localhost/32")).hasMessage("'localhost' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Network.parse("10.0.0.0/33")).hasMessage("'10.0.0.0/33' has a prefix length over 32");
    }
}
