package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In front of a real Postfix, relaying to a recording sink: what Postfix offers (SMTPUTF8, DSN)
 * is advertised, DSN parameters and UTF-8 addresses pass through the gateway and Postfix
 * unchanged, and the client hears 250 for exactly the recipients Postfix took and handed on.
 */
class PostfixDownstreamTest {
    static final String MESSAGE = "From: a@other.org\r\nSubject: through Postfix\r\n\r\nbody\r\n";

    @TempDir
    static Path tmp;
    static FaultyDownstream sink;
    static PostfixServer postfix;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PostfixServer.available(), "needs root and the postfix package (bin/test installs it; CI runs as root)");
        sink = new FaultyDownstream(FaultyDownstream.Fault.NONE, 0, 0, "PIPELINING", "8BITMIME", "DSN", "SMTPUTF8");
        postfix = new PostfixServer(sink.port(),
                "smtpd_recipient_restrictions = check_recipient_access inline:{{unknown@example.net = 550 5.1.1 no such user}}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    static FaultyDownstream.Stored awaitStored(String subjectMarker) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end) {
            for (FaultyDownstream.Stored s : sink.stored) {
                if (s.data().contains(subjectMarker)) {
                    return s;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Postfix did not relay the message within 20 s: " + postfix.log());
    }

    @Test
    void dsnAndSmtputf8PassThroughTheGatewayAndPostfixUnchanged() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(postfix.port, tmp.resolve("var1"), null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            assertThat(c.send("EHLO client.other.org", 250)).contains("250-DSN", "250-SMTPUTF8");
            c.send("MAIL FROM:<jürgen@other.org> SMTPUTF8 RET=HDRS ENVID=env+2D1", 250);
            c.send("RCPT TO:<a@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@example.net", 250);
            c.send("RCPT TO:<δοκιμή@example.net> NOTIFY=NEVER", 250);
            c.send("DATA", 354);
            c.write(MESSAGE.replace("through Postfix", "through Postfix 1") + ".\r\n");
            assertThat(c.expect(250)).contains("[ref ");
        }
        FaultyDownstream.Stored s = awaitStored("through Postfix 1");
        assertThat(s.recipients()).containsExactlyInAnyOrder("a@example.net", "δοκιμή@example.net");
        // Postfix decodes xtext and writes it again minimally: env+2D1 is env-1, the same ENVID
        assertThat(s.sender()).contains("MAIL FROM:<jürgen@other.org>", "SMTPUTF8", "RET=HDRS", "ENVID=env-1");
        assertThat(sink.commands).anyMatch(l -> l.startsWith("RCPT TO:<a@example.net>") && l.contains("NOTIFY=SUCCESS,FAILURE")
                && l.contains("ORCPT=rfc822;a@example.net"));
        assertThat(sink.commands).anyMatch(l -> l.startsWith("RCPT TO:<δοκιμή@example.net>") && l.contains("NOTIFY=NEVER"));
    }

    @Test
    void theClientHears250ForExactlyTheRecipientsPostfixTook() throws Exception {
        Set<String> heard = new TreeSet<>();
        try (GatewayHarness gw = new GatewayHarness(postfix.port, tmp.resolve("var2"), null);
             SmtpTestClient c = new SmtpTestClient(gw.port())) {
            c.expect(220);
            c.send("EHLO client.other.org", 250);
            c.send("MAIL FROM:<a@other.org>", 250);
            for (String r : new String[] {"one@example.net", "unknown@example.net", "two@example.net"}) {
                c.write("RCPT TO:<" + r + ">\r\n");
                String reply = String.join("\n", c.read());
                if (reply.startsWith("250")) {
                    heard.add(r);
                } else {
                    assertThat(reply).startsWith("550 5.1.1 ").contains("no such user", "[ref ");
                }
            }
            c.send("DATA", 354);
            c.write(MESSAGE.replace("through Postfix", "through Postfix 2") + ".\r\n");
            c.expect(250);
        }
        assertThat(heard).containsExactly("one@example.net", "two@example.net");
        assertThat(new TreeSet<>(awaitStored("through Postfix 2").recipients())).isEqualTo(heard);
    }
}
