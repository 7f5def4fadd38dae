package net.portcullis.policy.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.dkim.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinkHostsTest {
    private static List<String> hosts(MessageFacts m) {
        LinkHosts h = new LinkHosts(100);
        MimeWalk.walk(m, MimeWalk.Limits.DEFAULT, h::add);
        return new ArrayList<>(h.hosts());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://Foo.Example.COM/path?q=1|foo.example.com",
            "https://user:pw@bank.example:8443/login|bank.example",
            "www.shop.example/sale|www.shop.example",
            "//cdn.example.net/x.js|cdn.example.net",
            "http://[2001:db8::1]/x|2001:db8::1",
            "http://xn--bcher-kva.example/|xn--bcher-kva.example",
            "http://bücher.example/|xn--bcher-kva.example",
            "http://192.0.2.7/phish|192.0.2.7",
            "mailto:someone@example.com|",
            "javascript:alert(1)|",
            "/relative/link|",
            "http:///nohost|",
    })
    void theHostOfALink(String url, String host) {
        assertThat(LinkHosts.host(url)).isEqualTo(host);
    }

    @Test
    void spamAssassinsUriblTestMessage() throws Exception {
        assertThat(hosts(Messages.resource("spamham/spam/dnsbl.eml"))).contains("foo.bar.baz.uribl-example-a.com",
                "uribl-example-b.com", "uribl-example-c.com", "spamassassin.org", "144.137.3.98");
    }

    @Test
    void htmlTargetsAndEntitiesInQuotedPrintableAndBase64Parts() {
        String html = "<html><body><a href=\"http://click&#46;evil.example/?u=1\">Your bank</a>"
                + "<img src=https://img.tracker.example/p.gif><form action=\"https://steal.example/post\"></form>"
                + "<p>or visit www.text-in-html.example today</p></body></html>";
        String b64 = java.util.Base64.getMimeEncoder().encodeToString("see http://b64.example/x".getBytes());
        MessageFacts m = Messages.of("From: a@sender.example\nSubject: t\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nGo to http://qp-=\nsplit.example/now\n--b1\n"
                + "Content-Type: text/html; charset=utf-8\n\n" + html + "\n--b1\nContent-Type: text/plain\n"
                + "Content-Transfer-Encoding: base64\n\n" + b64 + "\n--b1--\n");
        assertThat(hosts(m)).containsExactly("qp-split.example", "click.evil.example", "img.tracker.example", "steal.example",
                "www.text-in-html.example", "b64.example");
    }

    @Test
    void aForwardedMessageIsReadToo() {
        MessageFacts m = Messages.of("From: a@sender.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n"
                + "--x\nContent-Type: text/plain\n\nfyi\n--x\nContent-Type: message/rfc822\n\nFrom: b@other.example\nSubject: inner\n\n"
                + "click http://inner.example/\n--x--\n");
        assertThat(hosts(m)).containsExactly("inner.example");
    }

    @Test
    void nestingPartsAndTextAreBounded() {
        StringBuilder deep = new StringBuilder("From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 0; i < 40; i++) {
            deep.append("--b").append(i).append("\nContent-Type: multipart/mixed; boundary=b").append(i + 1).append("\n\n");
        }
        deep.append("--b40\nContent-Type: text/plain\n\nhttp://deepest.example/\n");
        MimeWalk.Outcome o = MimeWalk.walk(Messages.of(deep.toString()), MimeWalk.Limits.DEFAULT, (s, t) -> { });
        assertThat(o.tooDeep()).isTrue();
        assertThat(o.truncated()).isTrue();

        MimeWalk.Outcome big = MimeWalk.walk(Messages.of("From: a@b.example\n\n" + "x".repeat(600_000) + " http://late.example/\n"),
                MimeWalk.Limits.DEFAULT, (s, t) -> assertThat(t.length()).isLessThanOrEqualTo(512 * 1024));
        assertThat(big.textCut()).isTrue();

        MimeWalk.Limits small = new MimeWalk.Limits(10, 200, 512 * 1024, 64 * 1024);
        LinkHosts early = new LinkHosts(10);
        MimeWalk.Outcome cut = MimeWalk.walk(Messages.of("From: a@b.example\n\nhttp://early.example/\n" + "y".repeat(100_000)
                + " http://past-the-scan.example/\n"), small, early::add);
        assertThat(cut.tooBig()).isTrue();
        assertThat(early.hosts()).containsExactly("early.example");
        assertThat(MimeWalk.walk(Messages.of("From: a@b.example\n\nshort\n"), small, (x, y) -> { }).tooBig()).isFalse();

        LinkHosts few = new LinkHosts(3);
        MimeWalk.walk(Messages.of("From: a@b.example\n\nhttp://a.example http://b.example http://c.example http://d.example\n"),
                MimeWalk.Limits.DEFAULT, few::add);
        assertThat(few.hosts()).hasSize(3);
        assertThat(few.full()).isTrue();
    }

    /** Random and mutated messages: the walk and the extraction never throw, whatever the input. */
    @Test
    void hostileInputNeverThrows() throws Exception {
        Random r = new Random(42);
        byte[] seed = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/spamham/spam/dnsbl.eml"));
        for (int n = 0; n < 300; n++) {
            byte[] m = seed.clone();
            for (int k = 0; k < 1 + r.nextInt(40); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            if (n % 3 == 0) {
                m = (new String(m, java.nio.charset.StandardCharsets.ISO_8859_1).replace("Subject:", "Content-Type: multipart/mixed; boundary=\"\"\nSubject:"))
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            LinkHosts h = new LinkHosts(50);
            MimeWalk.walk(Messages.of(m), MimeWalk.Limits.DEFAULT, h::add);
            assertThat(h.hosts().size()).isLessThanOrEqualTo(50);
        }
        byte[] noise = new byte[20_000];
        for (int n = 0; n < 50; n++) {
            r.nextBytes(noise);
            LinkHosts h = new LinkHosts(50);
            MimeWalk.walk(Messages.of(noise), MimeWalk.Limits.DEFAULT, h::add);
            h.add("html", new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }
}
