package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.portcullis.gateway.proxy.ProxyProtocol;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol header reader on its own: v1 and v2 as the specification writes them, exactly
 * the header's bytes consumed, every malformed header a clear {@link ProxyProtocol.Invalid}, and
 * random and mutated input never anything else.
 */
class ProxyProtocolTest {
    static byte[] v2(int verCmd, int family, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ProxyProtocol.V2_SIGNATURE);
        b.write(verCmd);
        b.write(family);
        b.write(body.length >> 8);
        b.write(body.length & 0xff);
        b.writeBytes(body);
        return b.toByteArray();
    }

    static byte[] v2Tcp4() {
        return v2(0x21, 0x11, new byte[] {(byte) 198, 51, 100, 7, 127, 0, 0, 1, (byte) 0x9c, 0x40, 0, 25,
                /* a TLV HAProxy may add: type, length, value */ 0x04, 0, 1, 0x2a});
    }

    static ProxyProtocol.Header read(byte[] header, String after) throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(concat(header, after.getBytes(StandardCharsets.US_ASCII)));
        ProxyProtocol.Header h = ProxyProtocol.read(in);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).as("what follows the header is left").isEqualTo(after);
        return h;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void version1() throws Exception {
        assertThat(read("PROXY TCP4 198.51.100.7 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII), "EHLO x\r\n").client())
                .isEqualTo(new InetSocketAddress("198.51.100.7", 40000));
        assertThat(read("PROXY TCP6 2001:db8::7 ::1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII), "").client())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 40000));
        assertThat(read("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII), "QUIT\r\n").client()).isNull();
    }

    @Test
    void version2() throws Exception {
        assertThat(read(v2Tcp4(), "EHLO x\r\n").client()).isEqualTo(new InetSocketAddress("198.51.100.7", 40000));
        byte[] six = new byte[36];
        six[0] = 0x20;
        six[1] = 0x01;
        six[2] = 0x0d;
        six[3] = (byte) 0xb8;
        six[15] = 7;
        six[31] = 1;
        six[32] = (byte) 0x9c;
        six[33] = 0x41;
        assertThat(read(v2(0x21, 0x21, six), "").client()).isEqualTo(new InetSocketAddress("2001:db8::7", 40001));
        assertThat(read(v2(0x20, 0x00, new byte[0]), "x").client()).as("LOCAL: a health check").isNull();
    }

    @Test
    void malformedHeadersSayWhatIsWrong() {
        assertInvalid("EHLO x\r\n", "does not start with a PROXY v1 or v2 signature");
        assertInvalid("PROXY TCP4 198.51.100.7 127.0.0.1 40000\r\n", "is not 'PROXY TCP4|TCP6 src dst sport dport'");
        assertInvalid("PROXY TCP4 198.51.100.07 127.0.0.1 40000 25\r\n", "'198.51.100.07' is not an IPv4 address");
        assertInvalid("PROXY TCP4 ::1 127.0.0.1 40000 25\r\n", "'::1' is not an IPv4 address");
        assertInvalid("PROXY TCP6 198.51.100.7 ::1 40000 25\r\n", "'198.51.100.7' is not an IPv6 address");
        assertInvalid("PROXY TCP4 198.51.100.7 127.0.0.1 70000 25\r\n", "'70000' is not a port");
        assertInvalid("PROXY TCP4 198.51.100.7 127.0.0.1 040 25\r\n", "'040' is not a port");
        assertInvalid("PROXY TCP4 198.51.100.7 127.0.0.1 1 25\n", "is not printable");
        assertInvalid("PROXY TCP4 198.51.100.7 127.0.0.1 1 25\rX", "CR not followed by LF");
        assertInvalid("PROXY " + "9".repeat(200) + "\r\n", "longer than 107 bytes");
        assertInvalid("PROXY TCP4 198.51", "connection closed inside the v1 header");
        assertInvalid("", "connection closed before the header");
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x31, 0x11, new byte[12]))))
                .hasMessage("v2 header with version 3");
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x22, 0x11, new byte[12]))))
                .hasMessageContaining("command 2");
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x21, 0x12, new byte[12]))))
                .hasMessageContaining("not TCP");
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x21, 0x21, new byte[12]))))
                .hasMessage("v2 header for TCP over IPv6 has 12 address bytes, needs 36");
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x21, 0x11, new byte[4000]))))
                .hasMessage("v2 header of 4000 bytes, more than 2048");
        byte[] cut = java.util.Arrays.copyOf(v2Tcp4(), 20);
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(cut))).hasMessage("connection closed inside the v2 header");
    }

    private static void assertInvalid(String header, String why) {
        assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(header.getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOf(ProxyProtocol.Invalid.class).hasMessageContaining(why);
    }

    /** Random bytes, and valid headers with bytes changed, cut or repeated: an answer or Invalid, never anything else. */
    @Test
    void fuzzedHeadersNeverBreakTheReader() throws Exception {
        Random rnd = new Random(20261128);
        byte[][] seeds = {"PROXY TCP4 198.51.100.7 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP6 2001:db8::7 ::1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII), v2Tcp4()};
        int answered = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 4 == 0) {
                input = new byte[rnd.nextInt(200)];
                rnd.nextBytes(input);
            } else {
                byte[] seed = seeds[rnd.nextInt(seeds.length)];
                input = java.util.Arrays.copyOf(seed, rnd.nextInt(seed.length * 2 + 1));
                for (int m = rnd.nextInt(4); m >= 0; m--) {
                    if (input.length > 0) {
                        input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
                    }
                }
            }
            try {
                ProxyProtocol.read(new ByteArrayInputStream(input));
                answered++;
            } catch (ProxyProtocol.Invalid e) {
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            } catch (IOException e) {
                throw new AssertionError("an in-memory stream cannot fail: " + e, e);
            }
        }
        assertThat(answered).isPositive();
        assertThat(refused).isPositive();
    }
}
