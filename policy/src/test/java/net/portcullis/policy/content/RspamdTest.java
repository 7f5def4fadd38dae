package net.portcullis.policy.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rspamd client against Debian's rspamd: GTUBE is flagged, ordinary mail is not. */
class RspamdTest {
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final Rspamd.Envelope ENV = new Rspamd.Envelope("203.0.113.5", "mail.sender.example", "mail.sender.example",
            "alice@sender.example", List.of("u@example.net", "v@example.net"), null);

    private static Rspamd.Verdict check(Rspamd r, String message) throws Exception {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return r.check(ENV, () -> new ByteArrayInputStream(m));
    }

    @Test
    void gtubeIsRejectedAndOrdinaryMailIsNot() throws Exception {
        Rspamd r = RspamdServer.shared().client();
        Rspamd.Verdict spam = check(r, "From: alice@sender.example\r\nTo: u@example.net\r\nSubject: test\r\n\r\n" + GTUBE + "\r\n");
        assertThat(spam.action()).isEqualTo("reject");
        assertThat(spam.symbols()).contains("GTUBE");
        Rspamd.Verdict ham = check(r, "From: alice@sender.example\r\nTo: u@example.net\r\nSubject: minutes\r\n"
                + "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@sender.example>\r\n\r\nThe minutes of the meeting.\r\n");
        assertThat(ham.action()).isNotEqualTo("reject");
        assertThat(ham.symbols()).doesNotContain("GTUBE");
        assertThat(ham.score()).isLessThan(ham.required());
    }

    @Test
    void noServerAnsweringIsAnError() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Rspamd r = new Rspamd(List.of(URI.create("http://127.0.0.1:" + dead)), Duration.ofSeconds(2));
        assertThatThrownBy(() -> check(r, "From: a@b.example\r\n\r\nhi\r\n")).isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("http://127.0.0.1:" + dead + ": ");
        assertThatThrownBy(() -> Rspamd.parse("<html>", "x")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Rspamd.parse("{}", "x")).hasMessageContaining("no action or score");
    }
}
