package net.portcullis.policy.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The clamd client against Debian's clamd, with EICAR in each place a message can carry it. */
class ClamdTest {
    static final String EICAR = ClamdServer.EICAR;

    static byte[] zip(String name, byte[] content) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return b.toByteArray();
    }

    /** A message with one attachment: {@code encoding} 7bit (the bytes as they are) or base64. */
    static String withAttachment(String name, String type, byte[] content, String encoding) {
        String body = encoding.equals("base64") ? Base64.getMimeEncoder().encodeToString(content)
                : new String(content, StandardCharsets.ISO_8859_1);
        return "From: a@sender.example\r\nTo: u@example.net\r\nSubject: attached\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--b\r\nContent-Type: " + type + "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n"
                + "Content-Transfer-Encoding: " + encoding + "\r\n\r\n" + body + "\r\n--b--\r\n";
    }

    static String forwarded(String inner) {
        return "From: b@other.example\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n"
                + "--f\r\nContent-Type: text/plain\r\n\r\nforwarding\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--f--\r\n";
    }

    private static Clamd.Result scan(Clamd c, String message) throws Exception {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        return c.scan(() -> new ByteArrayInputStream(m));
    }

    @Test
    void eicarIsFoundWhereverTheMessageCarriesItAndCleanMailIsClean() throws Exception {
        Clamd c = ClamdServer.shared().client();
        byte[] eicar = EICAR.getBytes(StandardCharsets.US_ASCII);
        assertThat(scan(c, "From: a@sender.example\r\nSubject: hi\r\n\r\nhello\r\n").verdict()).isEqualTo(Clamd.Verdict.CLEAN);
        for (String m : List.of(withAttachment("eicar.com", "application/octet-stream", eicar, "7bit"),
                withAttachment("eicar.com", "application/octet-stream", eicar, "base64"),
                withAttachment("eicar.zip", "application/zip", zip("eicar.com", eicar), "base64"),
                forwarded(withAttachment("eicar.com", "application/octet-stream", eicar, "base64")))) {
            Clamd.Result r = scan(c, m);
            assertThat(r.verdict()).as(m).isEqualTo(Clamd.Verdict.INFECTED);
            assertThat(r.name()).startsWith("Eicar-Test-Signature");
        }
        assertThat(c.ping()).isTrue();
    }

    @Test
    void overItsUnixSocketToo() throws Exception {
        Clamd unix = new Clamd(List.of(Clamd.Server.parse(ClamdServer.shared().unixAddress())), Duration.ofSeconds(10));
        Clamd.Result r = scan(unix, withAttachment("eicar.com", "application/octet-stream", EICAR.getBytes(), "base64"));
        assertThat(r.verdict()).isEqualTo(Clamd.Verdict.INFECTED);
        assertThat(r.server()).startsWith("unix:");
        assertThat(scan(unix, "From: a@b.example\r\n\r\nhi\r\n").verdict()).isEqualTo(Clamd.Verdict.CLEAN);
    }

    @Test
    void pastStreamMaxLengthIsItsOwnResult() throws Exception {
        String big = withAttachment("big.bin", "application/octet-stream", new byte[(int) ClamdServer.STREAM_MAX + (1 << 20)], "base64");
        Clamd.Result r = scan(ClamdServer.shared().client(), big);
        assertThat(r.verdict()).as(r.detail()).isEqualTo(Clamd.Verdict.TOO_BIG);
    }

    @Test
    void aServerThatIsDownPassesTheMessageToTheNextAndNoneAnsweringIsUnavailable() throws Exception {
        Clamd.Server dead = Clamd.Server.parse("127.0.0.1:" + ClamdServer.deadPort());
        Clamd.Server live = Clamd.Server.parse(ClamdServer.shared().address());
        Clamd failover = new Clamd(List.of(dead, live), Duration.ofSeconds(10));
        Clamd.Result r = scan(failover, withAttachment("eicar.com", "application/octet-stream", EICAR.getBytes(), "base64"));
        assertThat(r.verdict()).isEqualTo(Clamd.Verdict.INFECTED);
        assertThat(r.server()).isEqualTo(live.toString());

        Clamd none = new Clamd(List.of(dead), Duration.ofSeconds(2));
        Clamd.Result down = scan(none, "From: a@b.example\r\n\r\nhi\r\n");
        assertThat(down.verdict()).isEqualTo(Clamd.Verdict.UNAVAILABLE);
        assertThat(down.detail()).startsWith(dead + ": ");
        assertThat(none.ping()).isFalse();
    }

    @Test
    void aServerThatNeverAnswersIsUnavailableWithinItsTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Clamd c = new Clamd(List.of(Clamd.Server.parse("127.0.0.1:" + silent.getLocalPort())), Duration.ofMillis(300));
            long t0 = System.nanoTime();
            Clamd.Result r = scan(c, "From: a@b.example\r\n\r\nhi\r\n");
            assertThat(r.verdict()).isEqualTo(Clamd.Verdict.UNAVAILABLE);
            assertThat(r.detail()).contains("no answer within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void serverAddresses() {
        assertThat(Clamd.Server.parse("unix:/run/clamav/clamd.ctl").unix()).hasToString("/run/clamav/clamd.ctl");
        assertThat(Clamd.Server.parse("[::1]:3310").host()).isEqualTo("::1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Clamd.Server.parse("clamd")).hasMessageContaining("host:port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Clamd.Server.parse("h:99999")).hasMessageContaining("outside 1-65535");
    }
}
